import { deciderOf, RuleViolation } from '@register/event-sourcing';
import { CourseEvent } from '@register/contracts';
import { Course, courseAggregate } from '../domain/course';
import { checkEnrolled, checkOpen } from '../domain/rules';

/** Who was present on one day of the course; `today` is the day the command is recorded (the service's clock). */
export type RecordAttendance = { type: 'RecordAttendance'; courseId: string; on: string; presentMemberIds: string[]; today: string };

export const attendanceDecider = deciderOf(courseAggregate, decideAttendance);

export function decideAttendance(c: RecordAttendance, s: Course): CourseEvent[] {
  checkOpen(s, c.courseId);
  if (c.on < s.startsOn || c.on > s.endsOn) throw new RuleViolation('day-outside-course', `course ${c.courseId} runs from ${s.startsOn} to ${s.endsOn}; ${c.on} is not one of its days`);
  // Attendance is what was seen: a day that has not come yet has no one present or absent.
  if (c.on > c.today) throw new RuleViolation('day-not-come', `${c.on} has not come yet (today is ${c.today}): attendance is recorded on or after the day`);
  checkEnrolled(s, c.presentMemberIds);
  return [{ type: 'AttendanceRecorded', data: { courseId: c.courseId, on: c.on, presentMemberIds: c.presentMemberIds, participantIds: s.participants.map((p) => p.memberId) } }];
}
