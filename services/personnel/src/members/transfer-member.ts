import { deciderOf, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { MemberEvent, TransferCause } from '@register/contracts';
import { firstOfMonth } from '../domain/dates';
import { BranchStatusFact, IN_UNION, PostHeld } from '../domain/facts';
import { Member, memberAggregate } from '../domain/member';
import { checkBranch } from '../domain/rules';

/**
 * Chuyển sinh hoạt đoàn: to another active branch, dues settled at least into the month of the move.
 * A reorganisation (merger, split) names `fromBranchId`: when the member has already left that
 * branch, nothing happens, so a replayed reaction is harmless.
 */
export type TransferMember = {
  type: 'TransferMember';
  memberId: string;
  toBranchId: string;
  toBranchStatus: BranchStatusFact;
  transferredOn: string;
  /** Absent when the request did not say: api.md names only `toBranchId`; the rule holds when it is given. */
  duesSettledUpTo?: string;
  cause: TransferCause;
  fromBranchId?: string;
  /**
   * The posts the member holds now (from PersonnelDirectory), gathered for a transfer asked over
   * HTTP: one held in the branch they leave, or in one they were sent to lead, refuses the move
   * until they leave the post. Absent for a reorganisation's moves, whose reactions depart the
   * officers themselves.
   */
  postsHeld?: PostHeld[];
};

/** The decisions on transfers, over the member's stream. */
export const transferDecider = deciderOf(memberAggregate, decideTransfer);

export function decideTransfer(c: TransferMember, s: Member): MemberEvent[] {
  if (!s.exists) throw new NotFoundError('member', c.memberId);
  if (c.fromBranchId !== undefined && s.branchId !== c.fromBranchId) return [];
  if (!IN_UNION.includes(s.status)) {
    if (c.cause === 'transfer') throw new RuleViolation('member-not-in-union', `member ${s.memberId} is no longer in the union (${s.status})`);
    // A reorganisation dated before the member left the union moves them: the branch was theirs on its day.
    if (s.statusSince <= c.transferredOn) return [];
  }
  if (s.branchId === c.toBranchId) {
    if (c.cause !== 'transfer') return [];
    throw new RuleViolation('transfer-to-same-branch', `member ${s.memberId} is already in branch ${c.toBranchId}`);
  }
  checkBranch(c.toBranchId, c.toBranchStatus, 'target-branch', c.transferredOn);
  const posts = (c.postsHeld ?? []).filter((p) => p.sent || p.branchId === s.branchId);
  if (posts.length > 0) {
    const named = posts.map((p) => `${p.role} of branch ${p.branchId}${p.until ? ` until ${p.until}` : ''}`).join(', ');
    throw new RuleViolation('member-holds-post', `member ${s.memberId} holds the post of ${named} on ${c.transferredOn}: record their departure from it, and date the transfer on or after it`, { posts });
  }
  if (c.transferredOn < s.admittedOn && c.cause === 'transfer') throw new RuleViolation('transfer-before-admission', `the member was admitted on ${s.admittedOn}`);
  // Changes of branch take effect in the order they are recorded: one dated before the last would
  // be folded after it, and name as the branch left one the member was not in then.
  const last = s.branches[s.branches.length - 1];
  const arrived = last?.since ?? s.admittedOn;
  if (c.transferredOn < arrived && c.cause === 'transfer') {
    // A reorganisation's move is named as such: the caller moved nobody on that day (a probe read it as their own transfer).
    const how = last && !['transfer', 'admission'].includes(last.cause) ? ` (moved there by a ${last.cause} recorded before this)` : '';
    throw new RuleViolation('dated-before-last-transfer', `member ${s.memberId} has been in branch ${s.branchId} since ${arrived}${how}: a transfer is dated on or after the member's last one`, { since: arrived, ...(how ? { cause: last!.cause } : {}) });
  }
  // A reorganisation dated before the member arrived (a transfer in or an admission, recorded
  // before it and dated after it) moves them on the day they did.
  const transferredOn = c.transferredOn < arrived ? arrived : c.transferredOn;
  if (c.cause === 'transfer' && c.duesSettledUpTo !== undefined && c.duesSettledUpTo < firstOfMonth(transferredOn)) {
    throw new RuleViolation('dues-not-settled', `dues must be settled up to the transfer date (${c.transferredOn}); they are settled up to ${c.duesSettledUpTo}`);
  }
  return [
    {
      type: 'MemberTransferred',
      data: { memberId: s.memberId, fromBranchId: s.branchId, toBranchId: c.toBranchId, transferredOn, duesSettledUpTo: c.duesSettledUpTo ?? null, cause: c.cause },
      ...(transferredOn !== c.transferredOn ? { effectiveOn: transferredOn } : {}),
    },
  ];
}
