import { ConflictError, deciderOf, RuleViolation } from '@register/event-sourcing';
import { CourseEvent, CourseKind } from '@register/contracts';
import { Course, courseAggregate } from '../domain/course';
import { checkOrganiserOpen } from '../domain/rules';

/** A course organised by a unit: its days run from startsOn to endsOn. `organiserKnown` comes from organisation's events. */
export type ScheduleCourse = {
  type: 'ScheduleCourse';
  courseId: string;
  organiserUnitId: string;
  organiserKnown: boolean;
  /** The day the organiser was dissolved or merged away, from organisation's events; null while open. */
  organiserClosedOn?: string | null;
  /** The day the organiser was established, from organisation's events; null when not known. */
  organiserEstablishedOn?: string | null;
  title: string;
  kind: CourseKind;
  topics: Array<{ title: string }>;
  startsOn: string;
  endsOn: string;
  location: string | null;
  partner: string | null;
};

export const scheduleDecider = deciderOf(courseAggregate, decideSchedule);

export function decideSchedule(c: ScheduleCourse, s: Course): CourseEvent[] {
  if (s.status !== 'none') throw new ConflictError('course-exists', `course ${c.courseId} already exists`);
  if (!c.organiserKnown) throw new RuleViolation('unknown-unit', `unit ${c.organiserUnitId} is not a unit of the register`);
  checkOrganiserOpen(c.organiserUnitId, c.organiserClosedOn, c.startsOn, 'course', c.organiserEstablishedOn);
  if (c.endsOn < c.startsOn) throw new RuleViolation('ends-before-start', `a course cannot end (${c.endsOn}) before it starts (${c.startsOn})`);
  const { type: _type, organiserKnown: _known, organiserClosedOn: _closed, organiserEstablishedOn: _established, ...data } = c;
  return [{ type: 'CourseScheduled', data }];
}
