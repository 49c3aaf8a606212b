import { NotFoundError, RuleViolation } from '@register/event-sourcing';
import { Course } from './course';

/** A course that exists and still takes changes: a completed or cancelled course is closed (422). */
export function checkOpen(s: Course, courseId: string): void {
  if (s.status === 'none') throw new NotFoundError('course', courseId);
  if (s.status === 'closed') throw new RuleViolation('course-closed', `course ${courseId} was completed on ${s.closedOn}: it takes no more changes`);
  if (s.status === 'cancelled') throw new RuleViolation('course-cancelled', `course ${courseId} was cancelled on ${s.closedOn}`);
}

/** Ids a command names that are not the course's participants: refused, naming them. */
export function checkEnrolled(s: Course, memberIds: string[]): void {
  const strangers = memberIds.filter((id) => !s.participants.some((p) => p.memberId === id));
  if (strangers.length > 0) throw new RuleViolation('not-enrolled', `not enrolled in course ${s.courseId}: ${strangers.join(', ')}`, { memberIds: strangers });
}

/** What training knows of a member, from personnel's events. */
export interface MemberFact {
  memberId: string;
  branchId: string;
  active: boolean;
  /** Away for work or study (đi làm ăn xa, đi học xa): still in the union, but not there to guide a branch. */
  away: boolean;
  /** The day of the admission, when training learnt it. */
  admittedOn?: string;
}

/** Members admitted only after `day` (a course's last day, a competition's, an assignment's first): they had no part in it then. */
export function checkAdmittedBy(facts: Array<MemberFact | undefined>, day: string, rule: string, what: string): void {
  const later = facts.filter((m): m is MemberFact => m?.admittedOn !== undefined && m.admittedOn > day);
  if (later.length > 0) {
    throw new RuleViolation(rule, `admitted to the union only after ${what} (${day}): ${later.map((m) => `${m.memberId} (${m.admittedOn})`).join(', ')}`, { memberIds: later.map((m) => m.memberId) });
  }
}

/** Only members of the register, active, take part (enrolment, competitions, mentoring). */
export function checkMembers(memberIds: string[], facts: Array<MemberFact | undefined>): MemberFact[] {
  const missing = memberIds.filter((_, i) => !facts[i]?.active);
  if (missing.length > 0) throw new RuleViolation('not-an-active-member', `not active members of the register: ${missing.join(', ')}`, { memberIds: missing });
  return facts as MemberFact[];
}

/**
 * A unit organises nothing before it was established, nor from the day it was dissolved or merged
 * away (its successor does).
 */
export function checkOrganiserOpen(unitId: string, closedOn: string | null | undefined, day: string, what: string, establishedOn?: string | null): void {
  if (establishedOn && day < establishedOn) {
    throw new RuleViolation('organiser-not-established', `unit ${unitId} was established on ${establishedOn}: it organises no ${what} on ${day}`, { establishedOn });
  }
  if (closedOn && day >= closedOn) {
    throw new RuleViolation('organiser-closed', `unit ${unitId} was dissolved or merged into another on ${closedOn}: it organises no ${what} on ${day} (its successor does)`, { closedOn });
  }
}
