import { RuleViolation } from '../errors';
import { deciderSpecification } from '../testing/decider-specification';
import { branchMeeting, MeetingEvent } from './branch-meeting';

const spec = deciderSpecification(branchMeeting);
const scheduled: MeetingEvent = { type: 'MeetingScheduled', data: { meetingId: 'm1', branchId: 'b1', on: '2026-03-26', topic: 'Thành lập Đoàn' } };

describe('branch meeting (the kernel example decider)', () => {
  it('schedules a new meeting', () =>
    spec
      .given([])
      .when({ type: 'ScheduleMeeting', meetingId: 'm1', branchId: 'b1', on: '2026-03-26', topic: 'Thành lập Đoàn' })
      .then([scheduled]));

  it('refuses to schedule the same meeting twice', () =>
    spec
      .given([scheduled])
      .when({ type: 'ScheduleMeeting', meetingId: 'm1', branchId: 'b1', on: '2026-03-27', topic: 'x' })
      .thenThrows(RuleViolation, (e) => e.rule === 'meeting-already-scheduled'));

  it('records a scheduled meeting as held', () =>
    spec.given([scheduled]).when({ type: 'RecordMeetingHeld', attendance: 17 }).then([{ type: 'MeetingHeld', data: { attendance: 17 } }]));

  it('refuses to hold a cancelled meeting', () =>
    spec
      .given([scheduled, { type: 'MeetingCancelled', data: { why: 'bão' } }])
      .when({ type: 'RecordMeetingHeld', attendance: 3 })
      .thenThrows(RuleViolation, (e) => e.rule === 'meeting-not-scheduled'));

  it('treats a second cancellation as nothing new', () =>
    spec.given([scheduled, { type: 'MeetingCancelled', data: { why: 'bão' } }]).when({ type: 'CancelMeeting', why: 'again' }).thenNothingHappens());

  it('fails the specification when the decider returns other events', () => {
    expect(() => spec.given([scheduled]).when({ type: 'RecordMeetingHeld', attendance: 1 }).then([])).toThrow();
  });
});
