import { MentorAssignmentEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op } from '@register/read-models';

type E<T extends MentorAssignmentEvent['type']> = RecordedEvent<Extract<MentorAssignmentEvent, { type: T }>>;

/** `training-mentors.assignments`: one per assignment, by branch: who guides it from when until when, and why it ended. */
export interface AssignmentDoc {
  _id: string;
  branchId: string;
  mentorMemberId: string;
  startsOn: string;
  endsOn: string | null;
  status: 'active' | 'ended';
  cause: string | null;
  version: number;
}

export const mentorsProjection = defineProjection<MentorAssignmentEvent, 'assignments'>({
  name: 'training-mentors',
  version: 1,
  collections: { assignments: { indexes: [{ key: { branchId: 1 } }, { key: { status: 1 } }] } },
  handlers: {
    MentorAssigned: (e: E<'MentorAssigned'>) => {
      const { assignmentId, ...rest } = e.data;
      return [op.replace('assignments', assignmentId, { ...rest, status: 'active', cause: null, version: e.revision })];
    },
    MentorAssignmentEnded: (e: E<'MentorAssignmentEnded'>) => [op.update('assignments', e.data.assignmentId, { $set: { status: 'ended', endsOn: e.data.endsOn, cause: e.data.cause, version: e.revision } })],
  },
});
