import { ConflictError, deciderSpecification, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { CourseEvent } from '@register/contracts';
import { courseDecider } from '../testing/course-decider';

const spec = deciderSpecification(courseDecider);
const rule = (name: string) => (e: RuleViolation | ConflictError) => e.rule === name;

const scheduled: CourseEvent = {
  type: 'CourseScheduled',
  data: { courseId: 'c1', organiserUnitId: 'qp', title: 'Kỹ năng tổ chức sinh hoạt chi đoàn', kind: 'skills', topics: [{ title: 'Sinh hoạt chi đoàn' }], startsOn: '2024-04-10', endsOn: '2024-04-12', location: null, partner: 'Trung tâm chính trị huyện' },
};
const enrolled: CourseEvent = { type: 'ParticipantsEnrolled', data: { courseId: 'c1', participants: [{ memberId: 'm1', branchId: 'b1', post: 'secretary' }, { memberId: 'm2', branchId: 'b2', post: 'deputy-secretary' }] } };
const completed: CourseEvent = { type: 'CourseCompleted', data: { courseId: 'c1', completedOn: '2024-04-12', results: [{ memberId: 'm1', outcome: 'completed' }, { memberId: 'm2', outcome: 'not-completed' }] } };
/** The day the commands below are recorded, after the course, unless a test says otherwise. */
const TODAY = '2024-06-01';
const member = (memberId: string, post: 'secretary' | 'deputy-secretary' | 'none' = 'none', active = true) => ({ memberId, branchId: 'b3', active, away: false, post });

const schedule = (over: Record<string, unknown> = {}) => ({
  type: 'ScheduleCourse' as const,
  ...(scheduled.data as Extract<CourseEvent, { type: 'CourseScheduled' }>['data']),
  organiserKnown: true,
  ...over,
});

describe('scheduling a course', () => {
  it('schedules a course of a known unit, with its topics, days and partner', () => spec.given([]).when(schedule()).then([scheduled]));
  it('refuses a course that ends before it starts (422 ends-before-start)', () => spec.given([]).when(schedule({ endsOn: '2024-04-09' })).thenThrows(RuleViolation, rule('ends-before-start')));
  it('refuses an organiser that organisation never established (422 unknown-unit)', () => spec.given([]).when(schedule({ organiserKnown: false })).thenThrows(RuleViolation, rule('unknown-unit')));
  it('refuses a course that starts before its organiser was established (422 organiser-not-established) (found by a black-box probe)', () => {
    spec.given([]).when(schedule({ organiserEstablishedOn: '2024-04-11' })).thenThrows(RuleViolation, rule('organiser-not-established'));
    spec.given([]).when(schedule({ organiserEstablishedOn: '2024-04-10' })).then([scheduled]);
  });
  it('refuses a course of a unit merged or dissolved by its first day (422 organiser-closed); one before that day is scheduled', () => {
    spec.given([]).when(schedule({ organiserClosedOn: '2024-04-10' })).thenThrows(RuleViolation, rule('organiser-closed'));
    spec.given([]).when(schedule({ organiserClosedOn: '2024-04-11' })).then([scheduled]);
  });
  it('refuses the same course id twice (409)', () => spec.given([scheduled]).when(schedule()).thenThrows(ConflictError, rule('course-exists')));
});

describe('enrolment', () => {
  const enrol = (ids: string[], members: Array<ReturnType<typeof member> | undefined> = ids.map((id) => member(id))) => ({ type: 'EnrolParticipants' as const, courseId: 'c1', memberIds: ids, members });

  it('records the post each participant holds on the day of enrolment', () =>
    spec
      .given([scheduled])
      .when(enrol(['m3'], [member('m3', 'secretary')]))
      .then([{ type: 'ParticipantsEnrolled', data: { courseId: 'c1', participants: [{ memberId: 'm3', branchId: 'b3', post: 'secretary' }] } }]));
  it('refuses a member enrolled twice (409 already-enrolled)', () => spec.given([scheduled, enrolled]).when(enrol(['m1'])).thenThrows(ConflictError, rule('already-enrolled')));
  it('refuses whoever is not an active member of the register (422)', () =>
    spec.given([scheduled]).when(enrol(['m3', 'm4'], [member('m3'), undefined])).thenThrows(RuleViolation, (e) => e.rule === 'not-an-active-member' && JSON.stringify(e.details) === '{"memberIds":["m4"]}'));
  it('refuses enrolment in a completed course (422 course-closed)', () => spec.given([scheduled, enrolled, completed]).when(enrol(['m3'])).thenThrows(RuleViolation, rule('course-closed')));
  it('refuses enrolment in a cancelled course (422 course-cancelled)', () =>
    spec.given([scheduled, { type: 'CourseCancelled', data: { courseId: 'c1', cancelledOn: '2024-04-01', participantIds: [] } }]).when(enrol(['m3'])).thenThrows(RuleViolation, rule('course-cancelled')));
  it('refuses a member admitted only after the course ended (422 admitted-after-course); admitted by its last day, or not known, is enrolled', () => {
    const admitted = (memberId: string, admittedOn: string) => ({ ...member(memberId), admittedOn });
    spec.given([scheduled]).when(enrol(['m3'], [admitted('m3', '2024-04-13')])).thenThrows(RuleViolation, rule('admitted-after-course'));
    spec
      .given([scheduled])
      .when(enrol(['m3', 'm4'], [admitted('m3', '2024-04-12'), member('m4')]))
      .then([{ type: 'ParticipantsEnrolled', data: { courseId: 'c1', participants: [{ memberId: 'm3', branchId: 'b3', post: 'none' }, { memberId: 'm4', branchId: 'b3', post: 'none' }] } }]);
  });
  it('answers 404 for a course that does not exist', () => spec.given([]).when(enrol(['m3'])).thenThrows(NotFoundError));
});

describe('attendance', () => {
  const attend = (on: string, presentMemberIds = ['m1'], today = TODAY) => ({ type: 'RecordAttendance' as const, courseId: 'c1', on, presentMemberIds, today });
  it('records who was present on a day of the course', () =>
    spec.given([scheduled, enrolled]).when(attend('2024-04-11')).then([{ type: 'AttendanceRecorded', data: { courseId: 'c1', on: '2024-04-11', presentMemberIds: ['m1'], participantIds: ['m1', 'm2'] } }]));
  it('refuses a day outside the course (422 day-outside-course)', () => spec.given([scheduled, enrolled]).when(attend('2024-04-13')).thenThrows(RuleViolation, rule('day-outside-course')));
  it('refuses a member who is not enrolled (422 not-enrolled)', () => spec.given([scheduled, enrolled]).when(attend('2024-04-10', ['m9'])).thenThrows(RuleViolation, rule('not-enrolled')));
  it('records the day the course is on, as it happens', () =>
    spec.given([scheduled, enrolled]).when(attend('2024-04-10', ['m1'], '2024-04-10')).then([{ type: 'AttendanceRecorded', data: { courseId: 'c1', on: '2024-04-10', presentMemberIds: ['m1'], participantIds: ['m1', 'm2'] } }]));
  it('refuses a day of the course that has not come yet (422 day-not-come)', () =>
    spec.given([scheduled, enrolled]).when(attend('2024-04-11', ['m1'], '2024-04-10')).thenThrows(RuleViolation, rule('day-not-come')));
});

describe('completion and cancellation', () => {
  const complete = (results: Array<{ memberId: string; outcome: 'completed' | 'not-completed' }>, today = TODAY) => ({ type: 'CompleteCourse' as const, courseId: 'c1', results, today });
  const both = [{ memberId: 'm1', outcome: 'completed' as const }, { memberId: 'm2', outcome: 'not-completed' as const }];
  it('closes the course with an outcome per participant, on its last day by default', () =>
    spec.given([scheduled, enrolled]).when(complete([{ memberId: 'm1', outcome: 'completed' }, { memberId: 'm2', outcome: 'not-completed' }])).then([completed]));
  it('refuses a completion that leaves a participant without an outcome (422 outcome-missing)', () =>
    spec.given([scheduled, enrolled]).when(complete([{ memberId: 'm1', outcome: 'completed' }])).thenThrows(RuleViolation, rule('outcome-missing')));
  it('refuses one certificate number for two participants (422 certificate-no-repeated)', () => {
    const certified = (a: string, b: string) => complete([{ memberId: 'm1', outcome: 'completed', certificateNo: a }, { memberId: 'm2', outcome: 'completed', certificateNo: b }] as never);
    spec.given([scheduled, enrolled]).when(certified('QP-2024-001', ' QP-2024-001')).thenThrows(RuleViolation, rule('certificate-no-repeated'));
  });
  it('refuses an outcome for someone not enrolled (422 not-enrolled)', () =>
    spec.given([scheduled, enrolled]).when(complete([{ memberId: 'm1', outcome: 'completed' }, { memberId: 'm2', outcome: 'completed' }, { memberId: 'm9', outcome: 'completed' }])).thenThrows(RuleViolation, rule('not-enrolled')));
  it('refuses to complete a course that has not begun (422 course-not-begun)', () => spec.given([scheduled, enrolled]).when(complete(both, '2024-04-09')).thenThrows(RuleViolation, rule('course-not-begun')));
  it('refuses a completion dated on a day still to come (422 day-not-come): its participants would count trained only then', () => {
    spec.given([scheduled, enrolled]).when({ ...complete(both), completedOn: '2099-03-01' }).thenThrows(RuleViolation, rule('day-not-come'));
    spec.given([scheduled, enrolled]).when({ ...complete(both, '2024-04-20'), completedOn: '2024-04-20' }).then([{ ...completed, data: { ...completed.data, completedOn: '2024-04-20' } }]);
  });
  it('completes a course that has begun, on its last day by default', () => spec.given([scheduled, enrolled]).when(complete(both, '2024-04-10')).then([completed]));
  it('completes a course once only (422 course-closed)', () => spec.given([scheduled, enrolled, completed]).when(complete([])).thenThrows(RuleViolation, rule('course-closed')));
  it('cancels an open course', () =>
    spec.given([scheduled]).when({ type: 'CancelCourse', courseId: 'c1', cancelledOn: '2024-04-01' }).then([{ type: 'CourseCancelled', data: { courseId: 'c1', cancelledOn: '2024-04-01', participantIds: [] } }]));
  it('refuses to cancel a completed course (422 course-closed)', () =>
    spec.given([scheduled, enrolled, completed]).when({ type: 'CancelCourse', courseId: 'c1', cancelledOn: '2024-05-01' }).thenThrows(RuleViolation, rule('course-closed')));
});
