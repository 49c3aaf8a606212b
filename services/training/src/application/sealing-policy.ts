import { SealingPolicy } from '@register/personal-data';

type Named = { memberIds?: string[]; participants?: Array<{ memberId: string }>; participantIds?: string[]; results?: Array<{ memberId: string }>; awards?: Array<{ memberId: string }> };

/** The members each of a course's or a competition's events names, whom its reason may name. */
function membersOf(e: { type: string; data: unknown }): readonly string[] | undefined {
  const data = (e.data ?? {}) as Named;
  switch (e.type) {
    case 'ParticipantsEnrolled':
      return (data.participants ?? []).map((p) => p.memberId);
    case 'AttendanceRecorded':
    case 'CourseCancelled':
      return data.participantIds ?? [];
    case 'CourseCompleted':
      return (data.results ?? []).map((r) => r.memberId);
    case 'CompetitionEntered':
      return data.memberIds ?? [];
    case 'CompetitionAwarded':
      return (data.awards ?? []).map((a) => a.memberId);
    default:
      return undefined;
  }
}

/**
 * What training seals, so that a member's erasure in personnel reaches it: the reason and decision
 * of a mentor assignment under the mentor's key; those of an enrolment, attendance, results,
 * cancellation, entries and awards under the key of the one member they name, or, naming several,
 * under a key of the event's own linked to each of them (the text may name any of them). A course's
 * or competition's own announcement names no member and stays in the clear, and so does an award's
 * name ("Giải nhất"), which evaluation's commendations cite.
 */
export const TRAINING_SEALING: SealingPolicy = {
  keyOf: (e) => (e.type === 'MentorAssigned' || e.type === 'MentorAssignmentEnded' ? (e.data as { mentorMemberId?: string }).mentorMemberId : undefined),
  membersOf,
};
