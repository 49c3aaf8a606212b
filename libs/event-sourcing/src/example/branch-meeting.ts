import { Decider } from '../decider';
import { RuleViolation } from '../errors';

/**
 * The kernel's example decider: a branch meeting (buổi sinh hoạt chi đoàn) that is scheduled,
 * then held or cancelled. Small on purpose: it shows the shape every aggregate follows.
 */
export type MeetingCommand =
  | { type: 'ScheduleMeeting'; meetingId: string; branchId: string; on: string; topic: string }
  | { type: 'RecordMeetingHeld'; attendance: number }
  | { type: 'CancelMeeting'; why: string };

export type MeetingEvent =
  | { type: 'MeetingScheduled'; data: { meetingId: string; branchId: string; on: string; topic: string } }
  | { type: 'MeetingHeld'; data: { attendance: number } }
  | { type: 'MeetingCancelled'; data: { why: string } };

export type MeetingState = { status: 'none' } | { status: 'scheduled' | 'held' | 'cancelled'; branchId: string };

export const branchMeeting: Decider<MeetingCommand, MeetingEvent, MeetingState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'ScheduleMeeting':
        if (state.status !== 'none') throw new RuleViolation('meeting-already-scheduled', 'this meeting is already scheduled');
        return [{ type: 'MeetingScheduled', data: { meetingId: command.meetingId, branchId: command.branchId, on: command.on, topic: command.topic } }];
      case 'RecordMeetingHeld':
        if (state.status !== 'scheduled') throw new RuleViolation('meeting-not-scheduled', `a meeting that is ${state.status} cannot be held`);
        if (command.attendance < 0) throw new RuleViolation('attendance-not-negative', 'attendance cannot be negative');
        return [{ type: 'MeetingHeld', data: { attendance: command.attendance } }];
      case 'CancelMeeting':
        if (state.status === 'cancelled') return []; // cancelling twice changes nothing
        if (state.status !== 'scheduled') throw new RuleViolation('meeting-not-scheduled', `a meeting that is ${state.status} cannot be cancelled`);
        return [{ type: 'MeetingCancelled', data: { why: command.why } }];
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'MeetingScheduled':
        return { status: 'scheduled', branchId: event.data.branchId };
      case 'MeetingHeld':
        return state.status === 'none' ? state : { ...state, status: 'held' };
      case 'MeetingCancelled':
        return state.status === 'none' ? state : { ...state, status: 'cancelled' };
    }
  },
};
