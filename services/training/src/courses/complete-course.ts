import { deciderOf, RuleViolation } from '@register/event-sourcing';
import { CourseEvent, CourseResult } from '@register/contracts';
import { Course, courseAggregate } from '../domain/course';
import { checkEnrolled, checkOpen } from '../domain/rules';

/**
 * Closes the course with an outcome for every participant, on `completedOn` (the course's last day
 * when absent). `today` is the day the command is recorded (the service's clock).
 */
export type CompleteCourse = { type: 'CompleteCourse'; courseId: string; results: CourseResult[]; completedOn?: string; today: string };

export const completionDecider = deciderOf(courseAggregate, decideCompletion);

export function decideCompletion(c: CompleteCourse, s: Course): CourseEvent[] {
  checkOpen(s, c.courseId);
  // Outcomes are judged on what was taught: a course that has not begun has none to give, and once closed it could not be corrected.
  if (s.startsOn > c.today) throw new RuleViolation('course-not-begun', `course ${c.courseId} begins on ${s.startsOn} (today is ${c.today}): it cannot be completed before it has begun`);
  checkEnrolled(s, c.results.map((r) => r.memberId));
  const missing = s.participants.filter((p) => !c.results.some((r) => r.memberId === p.memberId)).map((p) => p.memberId);
  if (missing.length > 0) throw new RuleViolation('outcome-missing', `every participant needs an outcome; missing: ${missing.join(', ')}`, { memberIds: missing });
  // A certificate is one person's: the same number given twice is a slip of the pen, not two certificates.
  const numbers = c.results.flatMap((r) => (r.certificateNo ? [r.certificateNo.trim()] : []));
  const repeated = numbers.find((n, i) => numbers.indexOf(n) !== i);
  if (repeated !== undefined) throw new RuleViolation('certificate-no-repeated', `certificate number ${repeated} is given to more than one participant`, { certificateNo: repeated });
  // Outcomes are given once known: a completion dated ahead would count its participants trained only in a year still to come.
  if (c.completedOn !== undefined && c.completedOn > c.today) throw new RuleViolation('day-not-come', `${c.completedOn} has not come yet (today is ${c.today}): a course is completed on or before the day it is recorded`);
  const completedOn = c.completedOn ?? s.endsOn;
  if (completedOn < s.startsOn) throw new RuleViolation('completed-before-start', `course ${c.courseId} starts on ${s.startsOn}; it cannot be completed on ${completedOn}`);
  return [{ type: 'CourseCompleted', data: { courseId: c.courseId, completedOn, results: c.results } }];
}
