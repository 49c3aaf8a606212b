import { routedDecider } from '@register/event-sourcing';
import { CourseEvent } from '@register/contracts';
import { cancellationDecider, CancelCourse } from '../courses/cancel-course';
import { CompleteCourse, completionDecider } from '../courses/complete-course';
import { EnrolParticipants, enrolmentDecider } from '../courses/enrol-participants';
import { attendanceDecider, RecordAttendance } from '../courses/record-attendance';
import { ScheduleCourse, scheduleDecider } from '../courses/schedule-course';
import { Course, courseAggregate } from '../domain/course';

/** Every course command on one state, for specifications (the service runs each capability's decider). */
export const courseDecider = routedDecider<ScheduleCourse | EnrolParticipants | RecordAttendance | CompleteCourse | CancelCourse, CourseEvent, Course>(courseAggregate, {
  ScheduleCourse: scheduleDecider.decide,
  EnrolParticipants: enrolmentDecider.decide,
  RecordAttendance: attendanceDecider.decide,
  CompleteCourse: completionDecider.decide,
  CancelCourse: cancellationDecider.decide,
});
