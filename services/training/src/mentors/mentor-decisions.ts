import { ConflictError, deciderOf, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { AssignmentEndCause, MentorAssignmentEvent } from '@register/contracts';
import { MentorAssignment, mentorAssignmentAggregate, overlap, Period } from '../domain/mentor-assignment';
import { checkAdmittedBy, checkMembers, MemberFact } from '../domain/rules';

/** A member (a commune committee member) assigned to guide a branch; several mentors may guide one branch. */
export type AssignMentor = {
  type: 'AssignMentor';
  assignmentId: string;
  branchId: string;
  branchStatus: 'active' | 'closed' | 'unknown';
  mentorMemberId: string;
  mentor: MemberFact | undefined;
  startsOn: string;
  endsOn: string | null;
  /** The branch's other assignments of this mentor, from the service's own view of them. */
  sameMentor: Array<Period & { assignmentId: string }>;
};
/** An assignment ends: on its own (`ended`), or because the branch merged, split or dissolved. `ifActive`: a reaction finds it ended already and does nothing. */
export type EndAssignment = { type: 'EndAssignment'; assignmentId: string; endsOn: string; cause: AssignmentEndCause; ifActive?: boolean };

export const assignmentDecider = deciderOf(mentorAssignmentAggregate, decideAssignment);
export const endingDecider = deciderOf(mentorAssignmentAggregate, decideEnding);

export function decideAssignment(c: AssignMentor, s: MentorAssignment): MentorAssignmentEvent[] {
  if (s.status !== 'none') throw new ConflictError('assignment-exists', `mentor assignment ${c.assignmentId} already exists`);
  if (c.branchStatus === 'unknown') throw new RuleViolation('branch-unknown', `branch ${c.branchId} is not known to the register`);
  if (c.branchStatus === 'closed') throw new RuleViolation('branch-closed', `branch ${c.branchId} is closed`);
  checkMembers([c.mentorMemberId], [c.mentor]);
  checkAdmittedBy([c.mentor], c.startsOn, 'admitted-after-start', 'the assignment starts');
  // A mentor guides the branch where it lives, as personnel makes no absent member an officer.
  if (c.mentor?.away) throw new RuleViolation('member-away', `member ${c.mentorMemberId} is away for work or study: an absent member does not guide a branch`, { memberId: c.mentorMemberId });
  if (c.endsOn !== null && c.endsOn < c.startsOn) throw new RuleViolation('ends-before-start', `an assignment cannot end (${c.endsOn}) before it starts (${c.startsOn})`);
  // One mentor guides a branch once at a time: a second assignment for days already covered is a duplicate.
  const twice = c.sameMentor.filter((a) => overlap(a, c)).map((a) => a.assignmentId);
  if (twice.length > 0) throw new ConflictError('already-assigned', `member ${c.mentorMemberId} already guides branch ${c.branchId} in that period: ${twice.join(', ')}`, { assignmentIds: twice });
  return [{ type: 'MentorAssigned', data: { assignmentId: c.assignmentId, branchId: c.branchId, mentorMemberId: c.mentorMemberId, startsOn: c.startsOn, endsOn: c.endsOn } }];
}

export function decideEnding(c: EndAssignment, s: MentorAssignment): MentorAssignmentEvent[] {
  if (s.status === 'none') throw new NotFoundError('mentor assignment', c.assignmentId);
  if (s.status === 'ended') {
    if (c.ifActive) return [];
    throw new RuleViolation('assignment-ended', `mentor assignment ${c.assignmentId} ended on ${s.endsOn}`);
  }
  // A reaction to a merger dated before the assignment began ends it on its first day.
  const endsOn = c.endsOn < s.startsOn ? (c.ifActive ? s.startsOn : refuse(s.startsOn, c.endsOn)) : c.endsOn;
  // An ending shortens an assignment, never lengthens it (it would overlap the mentor's next one).
  // A closing after the planned end finds it over already, as planned: its history stays as it was.
  if (s.endsOn !== null && endsOn > s.endsOn) {
    if (!c.ifActive) throw new RuleViolation('ends-after-planned-end', `mentor assignment ${c.assignmentId} was to end on ${s.endsOn}: an ending does not lengthen it (assign the mentor again from the day after)`, { plannedEndsOn: s.endsOn });
    return [];
  }
  return [{ type: 'MentorAssignmentEnded', data: { assignmentId: c.assignmentId, branchId: s.branchId, mentorMemberId: s.mentorMemberId, endsOn, cause: c.cause } }];
}

function refuse(startsOn: string, endsOn: string): never {
  throw new RuleViolation('ends-before-start', `the assignment started on ${startsOn}; it cannot end on ${endsOn}`);
}
