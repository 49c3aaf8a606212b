import { deciderOf } from '@register/event-sourcing';
import { CourseEvent } from '@register/contracts';
import { Course, courseAggregate } from '../domain/course';
import { checkOpen } from '../domain/rules';

/** A course called off; the reason is the command's. */
export type CancelCourse = { type: 'CancelCourse'; courseId: string; cancelledOn: string };

export const cancellationDecider = deciderOf(courseAggregate, decideCancellation);

export function decideCancellation(c: CancelCourse, s: Course): CourseEvent[] {
  checkOpen(s, c.courseId);
  return [{ type: 'CourseCancelled', data: { courseId: c.courseId, cancelledOn: c.cancelledOn, participantIds: s.participants.map((p) => p.memberId) } }];
}
