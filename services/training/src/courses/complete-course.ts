import { deciderOf, RuleViolation } from '@register/event-sourcing';
import { CourseEvent, CourseResult } from '@register/contracts';
import { Course, courseAggregate } from '../domain/course';
import { checkEnrolled, checkOpen } from '../domain/rules';

/** Closes the course with an outcome for every participant, on `completedOn` (the course's last day when absent). */
export type CompleteCourse = { type: 'CompleteCourse'; courseId: string; results: CourseResult[]; completedOn?: string };

export const completionDecider = deciderOf(courseAggregate, decideCompletion);

export function decideCompletion(c: CompleteCourse, s: Course): CourseEvent[] {
  checkOpen(s, c.courseId);
  checkEnrolled(s, c.results.map((r) => r.memberId));
  const missing = s.participants.filter((p) => !c.results.some((r) => r.memberId === p.memberId)).map((p) => p.memberId);
  if (missing.length > 0) throw new RuleViolation('outcome-missing', `every participant needs an outcome; missing: ${missing.join(', ')}`, { memberIds: missing });
  const completedOn = c.completedOn ?? s.endsOn;
  if (completedOn < s.startsOn) throw new RuleViolation('completed-before-start', `course ${c.courseId} starts on ${s.startsOn}; it cannot be completed on ${completedOn}`);
  return [{ type: 'CourseCompleted', data: { courseId: c.courseId, completedOn, results: c.results } }];
}
