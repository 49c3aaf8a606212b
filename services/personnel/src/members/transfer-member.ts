import { deciderOf, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { MemberEvent, TransferCause } from '@register/contracts';
import { firstOfMonth } from '../domain/dates';
import { BranchStatusFact, IN_UNION, MergerAfter, PostHeld } from '../domain/facts';
import { Member, memberAggregate } from '../domain/member';
import { branchBefore, mergerMoves, movesTakenBackAfter, ownMoveAfter } from '../domain/moves-taken-back';
import { checkBranch, notInUnion } from '../domain/rules';

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
  /** The mergers that closed the target after the transfer's day, recorded already: the member moves with each (a transfer asked over HTTP). */
  toBranchMergers?: MergerAfter[];
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
    if (c.cause === 'transfer') throw notInUnion(s.memberId, s.status, s.statusSince, c.transferredOn);
    // A reorganisation dated before the member left the union moves them: the branch was theirs on its day.
    if (s.statusSince <= c.transferredOn) return [];
  }
  if (c.transferredOn < s.admittedOn && c.cause === 'transfer') throw new RuleViolation('transfer-before-admission', `the member was admitted on ${s.admittedOn}`);
  const mergers = c.toBranchMergers ?? [];
  const late = c.cause === 'transfer' ? beforeReorganisationMoves(s, c.transferredOn, (day) => branchBefore(c.toBranchId, mergers, day)) : undefined;
  const fromBranchId = late?.from ?? s.branchId;
  if (fromBranchId === c.toBranchId) {
    if (c.cause !== 'transfer') return [];
    throw new RuleViolation('transfer-to-same-branch', `member ${s.memberId} is already in branch ${c.toBranchId}`);
  }
  checkBranch(c.toBranchId, c.toBranchStatus, 'target-branch', c.transferredOn);
  refusePostsHeld(c, s.memberId, fromBranchId);
  // A reorganisation dated before the member arrived (a transfer in or an admission, recorded
  // before it and dated after it) moves them on the day they did.
  const arrived = s.branches[s.branches.length - 1]?.since ?? s.admittedOn;
  const transferredOn = late || c.transferredOn >= arrived ? c.transferredOn : arrived;
  if (c.cause === 'transfer' && c.duesSettledUpTo !== undefined && c.duesSettledUpTo < firstOfMonth(transferredOn)) {
    throw new RuleViolation('dues-not-settled', `dues must be settled up to the transfer date (${c.transferredOn}); they are settled up to ${c.duesSettledUpTo}`);
  }
  // The transfer first: a move taken back then finds the member where the transfer put them, and from its day they stay there;
  // then the target's mergers recorded already move them on, as they moved its other members.
  return [
    {
      type: 'MemberTransferred',
      data: { memberId: s.memberId, fromBranchId, toBranchId: c.toBranchId, transferredOn, duesSettledUpTo: c.duesSettledUpTo ?? null, cause: c.cause },
      ...(transferredOn !== c.transferredOn ? { effectiveOn: transferredOn } : {}),
    },
    ...(late?.takenBack ?? []),
    ...mergerMoves(s.memberId, c.toBranchId, mergers),
  ];
}

/** A post held on the transfer's day in the branch left, or in one the member was sent to lead, refuses the move until they leave the post. */
function refusePostsHeld(c: TransferMember, memberId: string, fromBranchId: string): void {
  const posts = (c.postsHeld ?? []).filter((p) => p.sent || p.branchId === fromBranchId);
  if (posts.length === 0) return;
  const named = posts.map((p) => `${p.role} of branch ${p.branchId}${p.until ? ` until ${p.until}` : ''}`).join(', ');
  throw new RuleViolation('member-holds-post', `member ${memberId} holds the post of ${named} on ${c.transferredOn}: record their departure from it, and date the transfer on or after it`, { posts });
}

/**
 * A member's own transfer dated before their last change of branch. Changes of branch take effect
 * in the order they are recorded, so one before a transfer of their own would be folded after it:
 * refused. One before the moves of mergers and splits alone (recorded already, dated after it)
 * takes them back (MemberMoveTakenBack): the member was no longer in the branch they closed, and
 * transfers from the branch they were in that day (a probe found it refused). Undefined when it is
 * dated on or after the last change.
 */
function beforeReorganisationMoves(s: Member, on: string, stayIn: (movedOn: string) => string): ReturnType<typeof movesTakenBackAfter> | undefined {
  const last = s.branches[s.branches.length - 1];
  if (!last || on >= last.since) return undefined;
  const own = ownMoveAfter(s, on);
  if (own) {
    throw new RuleViolation('dated-before-last-transfer', `member ${s.memberId} was transferred to branch ${own.branchId} on ${own.since}: a transfer is dated on or after the member's last one`, { since: own.since });
  }
  return movesTakenBackAfter(s, on, stayIn);
}
