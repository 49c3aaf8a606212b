import { ConflictError, deciderOf } from '@register/event-sourcing';
import { CourseEvent, PostAtEnrolment } from '@register/contracts';
import { Course, courseAggregate, isEnrolled } from '../domain/course';
import { checkAdmittedBy, checkMembers, checkOpen, MemberFact } from '../domain/rules';

/** Enrolment of members; each one's facts (branch, post held that day) as training knows them from personnel's events. */
export type EnrolParticipants = {
  type: 'EnrolParticipants';
  courseId: string;
  memberIds: string[];
  members: Array<(MemberFact & { post: PostAtEnrolment }) | undefined>;
};

export const enrolmentDecider = deciderOf(courseAggregate, decideEnrolment);

export function decideEnrolment(c: EnrolParticipants, s: Course): CourseEvent[] {
  checkOpen(s, c.courseId);
  const twice = c.memberIds.filter((id) => isEnrolled(s, id));
  if (twice.length > 0) throw new ConflictError('already-enrolled', `already enrolled in course ${c.courseId}: ${twice.join(', ')}`, { memberIds: twice });
  checkMembers(c.memberIds, c.members);
  checkAdmittedBy(c.members, s.endsOn, 'admitted-after-course', `course ${c.courseId} ended`);
  const participants = c.members.map((m) => ({ memberId: m!.memberId, branchId: m!.branchId, post: m!.post }));
  return [{ type: 'ParticipantsEnrolled', data: { courseId: c.courseId, participants } }];
}
