import { deciderOf, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { MemberEvent, MemberStatus } from '@register/contracts';
import { addDays, addYears, ageOn } from '../domain/dates';
import { IN_UNION, isAway, PostHeld } from '../domain/facts';
import { Member, memberAggregate } from '../domain/member';
import { movesTakenBackAfter, ownMoveAfter } from '../domain/moves-taken-back';
import { COMING_OF_AGE, notInUnion, pastComingOfAge } from '../domain/rules';

export const STAY_LIMIT = 35;

/**
 * Away for work or study, back (active), coming of age (trưởng thành đoàn), left. `postsHeld`: the
 * posts the member holds now (PersonnelDirectory), gathered for a leaving: one held in their branch
 * refuses it until they leave the post, as a transfer is. Coming of age too: an officer stays in the
 * union while in post, and comes of age once the post ends.
 */
export type ChangeMemberStatus = {
  type: 'ChangeMemberStatus';
  memberId: string;
  status: 'active' | 'away-work' | 'away-study' | 'came-of-age' | 'left';
  on: string;
  postsHeld?: PostHeld[];
};
/** The statuses a member holding a post cannot take on a day they hold it (their departure comes first): the posts are gathered for them. */
export const LEAVES_POSTS: readonly string[] = ['away-work', 'away-study', 'came-of-age', 'left'];
/** The statuses that end a member's time in the union. */
const OUT_OF_UNION: readonly string[] = ['came-of-age', 'left'];

/** A member of 30 or nearly so stays in the union on request, up to 35. */
export type ExtendStay = { type: 'ExtendStay'; memberId: string; on: string };
/** Their branch was dissolved: the member waits, unassigned, for a new branch (a reaction). */
export type MarkUnassigned = { type: 'MarkUnassigned'; memberId: string; fromBranchId: string; on: string };

/** The command a requested status change is: stay-on is a request to stay, every other a change of status. */
export function statusChangeCommand(memberId: string, status: ChangeMemberStatus['status'] | 'stay-on', on: string, postsHeld?: ChangeMemberStatus['postsHeld']): ChangeMemberStatus | ExtendStay {
  return status === 'stay-on' ? { type: 'ExtendStay', memberId, on } : { type: 'ChangeMemberStatus', memberId, status, on, ...(postsHeld ? { postsHeld } : {}) };
}

/** The decisions on status changes (away and back, coming of age, stays, unassigned), over the member's stream. */
export const statusDecider = deciderOf(memberAggregate, decideStatusChange);

export function decideStatusChange(c: ChangeMemberStatus | ExtendStay | MarkUnassigned, s: Member): MemberEvent[] {
  if (!s.exists) throw new NotFoundError('member', c.memberId);
  const changed = (status: MemberStatus, on = c.on): MemberEvent[] => [
    { type: 'MemberStatusChanged', data: { memberId: s.memberId, branchId: s.branchId, status, previousStatus: s.status, changedOn: on } },
  ];
  if (c.type === 'MarkUnassigned') {
    if (s.branchId !== c.fromBranchId || s.status === 'unassigned' || !IN_UNION.includes(s.status)) return [];
    // A dissolution dated before the member's last change leaves them unassigned from that change's day.
    const latest = [c.on, s.statusSince, s.branches[s.branches.length - 1]?.since ?? ''].sort().pop()!;
    return changed('unassigned', latest).map((e) => (latest !== c.on ? { ...e, effectiveOn: latest } : e));
  }
  if (!IN_UNION.includes(s.status)) throw notInUnion(s.memberId, s.status, s.statusSince, c.on);
  if (c.on < s.admittedOn) throw new RuleViolation('status-change-before-admission', `the member was admitted on ${s.admittedOn}`);
  // Status changes take effect in the order they are recorded: one dated before the last would be folded after it.
  if (c.type === 'ChangeMemberStatus' && c.status !== s.status && c.on < s.statusSince) {
    throw new RuleViolation('dated-before-last-status-change', `member ${s.memberId} has been ${s.status} since ${s.statusSince}: a status change is dated on or after the last one`, { since: s.statusSince });
  }
  // A member's own transfer says they were in the union on its day: they did not leave it, or come of age, before (going away before a transfer, one dated ahead included, they may).
  // A reorganisation's move (merger, split) recorded already moved them on a later day: it is taken back with the leaving
  // (MemberMoveTakenBack), so that they leave the union from the branch they were in (docs/effective-dates.md).
  const leavesUnion = c.type === 'ChangeMemberStatus' && OUT_OF_UNION.includes(c.status) && c.status !== s.status;
  const ownMove = ownMoveAfter(s, c.on);
  if (leavesUnion && ownMove) {
    throw new RuleViolation('dated-before-last-transfer', `member ${s.memberId} was transferred to a branch on ${ownMove.since}: they leave the union (${c.status}) on or after the member's last transfer`, { since: ownMove.since, cause: ownMove.cause });
  }
  const dob = s.personal?.dateOfBirth;
  if (c.type === 'ExtendStay') {
    if (dob && ageOn(dob, c.on) >= STAY_LIMIT) throw new RuleViolation('stay-beyond-35', `a member may stay in the union up to ${STAY_LIMIT}`);
    if (dob && ageOn(dob, c.on) < COMING_OF_AGE - 1) throw new RuleViolation('stay-request-too-early', `a stay is requested on coming of age (${COMING_OF_AGE})`);
    const until = dob ? addDays(addYears(dob, STAY_LIMIT), -1) : addDays(addYears(c.on, STAY_LIMIT - COMING_OF_AGE), -1);
    return [{ type: 'MemberStayExtended', data: { memberId: s.memberId, requestedOn: c.on, until } }];
  }
  if (c.status === s.status) return [];
  switch (c.status) {
    case 'away-work':
    case 'away-study':
      if (s.status === 'unassigned') throw new RuleViolation('member-unassigned', 'an unassigned member is first transferred to a branch');
      // A member away for work or study is not an officer (domain.md): their departure comes first, with that cause.
      refuseHeldPosts(c, s, `record their departure from it (cause ${c.status}) dated on or before ${c.on}`);
      return changed(c.status);
    case 'active':
      if (!isAway(s.status)) throw new RuleViolation('member-not-away', `member ${s.memberId} is ${s.status}, not away`);
      // One who came of age while away does not come back as an active member.
      if (pastComingOfAge(dob ?? null, s.stayUntil, c.on)) {
        throw new RuleViolation('member-past-coming-of-age', `member ${s.memberId} is ${ageOn(dob!, c.on)} on ${c.on}, past coming of age${s.stayUntil ? ` and the stay (until ${s.stayUntil})` : ' with no stay asked'}: record came-of-age, or a stay first`);
      }
      return changed('active');
    case 'came-of-age':
      if (dob && ageOn(dob, c.on) < COMING_OF_AGE) {
        throw new RuleViolation('not-yet-of-age', `a member comes of age at ${COMING_OF_AGE}; this one is ${ageOn(dob, c.on)} on ${c.on}`);
      }
      // Elected officers stay while in post (domain.md); a secretary out of the union would be counted as one and not as a member.
      refuseHeldPosts(c, s, 'an officer stays in the union while in post: date their coming of age on or after the departure from it');
      return leaving(s, 'came-of-age', c.on);
    case 'left':
      refuseHeldPosts(c, s, 'date their leaving on or after the departure from it');
      return leaving(s, 'left', c.on);
  }
}

/**
 * Leaving the union (or coming of age) on `on`: from the branch the member was in that day. The
 * moves of mergers and splits recorded already and dated after it did not happen to them: each is
 * taken back (MemberMoveTakenBack, the latest first). A black-box probe found such a leaving taken
 * in the merger's successor, a branch never theirs, and the counts wrong; then it was refused.
 */
function leaving(s: Member, status: 'came-of-age' | 'left', on: string): MemberEvent[] {
  const { from, takenBack } = movesTakenBackAfter(s, on);
  return [{ type: 'MemberStatusChanged', data: { memberId: s.memberId, branchId: from, status, previousStatus: s.status, changedOn: on } }, ...takenBack];
}

/** The member's branch on `on` and every branch they were in after it (a merger moves them on). */
function branchesFrom(s: Member, on: string): Set<string> {
  const later = s.branches.filter((b, i) => (s.branches[i + 1]?.since ?? '9999-12-31') > on).map((b) => b.branchId);
  return new Set([s.branchId, ...later]);
}

/** 422 member-holds-post when the member holds a post in a branch of theirs, or one they were sent to lead, on the change's day or later (`postsHeld`, gathered for that day). */
function refuseHeldPosts(c: ChangeMemberStatus, s: Member, what: string): void {
  const branches = branchesFrom(s, c.on);
  const posts = (c.postsHeld ?? []).filter((p) => p.sent || branches.has(p.branchId));
  if (!posts.length) return;
  const named = posts.map((p) => `${p.role} of branch ${p.branchId}${p.until ? ` until ${p.until}` : ''}`).join(', ');
  throw new RuleViolation('member-holds-post', `member ${s.memberId} holds the post of ${named} on ${c.on}: ${what}`, { posts });
}
