import { MemberStatus, OfficerRole } from '@register/contracts';

/**
 * What personnel's replica of organisation's events knows of a branch, passed in commands so that
 * deciders stay pure. `not-yet-formed`: open, but formed by a merger or split after the command's
 * day (its members were in the branches it came from until then).
 */
export type BranchStatusFact = 'active' | 'closed' | 'unknown' | 'not-yet-formed';

/**
 * A merger that closed a branch after a member joined it, recorded before the joining: its day and
 * the branch it went into. The member moves with it on its day, as its other members did.
 */
export interface MergerAfter {
  on: string;
  intoBranchId: string;
}

/** What the member's own stream says about them, for decisions on another aggregate (an appointment). */
export interface MemberFacts {
  memberId: string;
  branchId: string;
  status: MemberStatus;
  /** The day of the admission: nothing of the member's life in the union starts before it. */
  admittedOn: string;
  /** null once the personal data was shredded: age rules can no longer be checked. */
  dateOfBirth: string | null;
  stayUntil: string | null;
  /** The day the present status took effect (a change recorded ahead of its day included); absent where not gathered. */
  statusSince?: string;
}

/**
 * A post a member holds on a change's day or later, gathered for the change (PersonnelDirectory):
 * `until` when its departure is recorded; `sent` when it is in a branch of the commune the member was
 * sent to lead (source commune-administrative-branch), never one of theirs.
 */
export interface PostHeld {
  branchId: string;
  role: OfficerRole;
  until?: string;
  sent?: true;
}

/** The classic scale's strong/good and the newer scale's excellent/good count as "good or better". */
export const GOOD_OR_BETTER = ['strong', 'excellent', 'good'];

export const IN_UNION: MemberStatus[] = ['active', 'away-work', 'away-study', 'unassigned'];
export const isAway = (s: MemberStatus) => s === 'away-work' || s === 'away-study';
