// Rules that more than one of personnel's capabilities applies.
import { RuleViolation } from '@register/event-sourcing';
import { ageOn } from './dates';
import { BranchStatusFact } from './facts';

/** The age at which a member comes of age and leaves the union, unless staying on request. */
export const COMING_OF_AGE = 30;

/** The branch a member joins must be one the replica knows, still open, and formed by the day (`on`) they join it. */
export function checkBranch(branchId: string, status: BranchStatusFact, role = 'branch', on?: string) {
  // Personnel learns of a branch from organisation's events, a moment after it is established (a probe's batch sent at once was refused so).
  if (status === 'unknown') throw new RuleViolation(`${role}-unknown`, `branch ${branchId} is not known to the register (one established a moment ago may not have reached members' records yet: send the command again in a few seconds)`, { branchId });
  // Before a merger a member joins it and moves with it (BranchReplica.mergersAfter); on or after its closing, or before a split or dissolution, no one does.
  if (status === 'closed') throw new RuleViolation('branch-not-active', `branch ${branchId} was closed, and takes no member${on ? ` on ${on}` : ''}: a merger on or before that day, or a split or dissolution on any day, placed its members already (the part of a split is not known for one not on its lists); choose its successor or another branch. A member who joined it before a merger is taken, and moves with the merger`, { branchId });
  if (status === 'not-yet-formed') {
    throw new RuleViolation('branch-not-yet-formed', `branch ${branchId} was formed by a merger or split after ${on}: until then its members were in the branches it came from`, { branchId });
  }
}

/** Past coming of age on `on`: 30 or older, and no stay on request that covers the day. */
export function pastComingOfAge(dateOfBirth: string | null, stayUntil: string | null, on: string): boolean {
  if (!dateOfBirth || ageOn(dateOfBirth, on) < COMING_OF_AGE) return false;
  return !(stayUntil && on <= stayUntil);
}

/**
 * 422 member-not-in-union: the member left the union (or came of age) on `since`. A change dated
 * before that day, recorded after it, is not taken either: said so, rather than in today's words
 * alone (a probe read "no longer in the union" for a day they still were).
 */
export function notInUnion(memberId: string, status: string, since: string, on: string): RuleViolation {
  const before = on < since ? `: a change dated ${on}, before that day, recorded after it, is not taken (changes of a member take effect in the order recorded)` : '';
  return new RuleViolation('member-not-in-union', `member ${memberId} is no longer in the union (${status} since ${since})${before}`, { since });
}
