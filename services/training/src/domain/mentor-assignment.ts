import { Evolver } from '@register/event-sourcing';
import { AssignmentEndCause, MentorAssignmentEvent } from '@register/contracts';

/** One mentor assignment (phụ trách địa bàn, stream `mentor-assignment-<id>`): a member guiding a branch from startsOn until it ends. */
export interface MentorAssignment {
  assignmentId: string;
  status: 'none' | 'active' | 'ended';
  branchId: string;
  mentorMemberId: string;
  startsOn: string;
  endsOn: string | null;
  cause: AssignmentEndCause | null;
  version: number;
}

export const noAssignment = (): MentorAssignment => ({ assignmentId: '', status: 'none', branchId: '', mentorMemberId: '', startsOn: '', endsOn: null, cause: null, version: -1 });

export function evolveAssignment(s: MentorAssignment, e: MentorAssignmentEvent): MentorAssignment {
  const version = s.version + 1;
  switch (e.type) {
    case 'MentorAssigned':
      return { ...s, ...e.data, status: 'active', cause: null, version };
    case 'MentorAssignmentEnded':
      return { ...s, status: 'ended', endsOn: e.data.endsOn, cause: e.data.cause, version };
  }
}

/**
 * The assignment's status on a day, from its end alone: it runs until (not including) endsOn, so it
 * is ended once that day has come, whether the end was set at the start or recorded later, and still
 * active before it (an ending recorded ahead of its day).
 */
export function statusOn(a: Pick<MentorAssignment, 'endsOn'>, day: string): 'active' | 'ended' {
  return a.endsOn !== null && a.endsOn <= day ? 'ended' : 'active';
}

/** A mentor's time with a branch: from startsOn until (not including) endsOn, open-ended without it. */
export type Period = Pick<MentorAssignment, 'startsOn' | 'endsOn'>;

/** Two periods share a day. */
export function overlap(a: Period, b: Period): boolean {
  return (b.endsOn === null || a.startsOn < b.endsOn) && (a.endsOn === null || b.startsOn < a.endsOn);
}

export const mentorAssignmentAggregate: Evolver<MentorAssignmentEvent, MentorAssignment> = { initialState: noAssignment, evolve: evolveAssignment };
