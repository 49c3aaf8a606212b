import { SealingPolicy } from '@register/personal-data';

/** The key sealing the free text of a course's events about its participants, shredded when any of them is erased. */
export const courseTextKey = (courseId: string) => `course:${courseId}`;
/** The key sealing the free text of a competition's entries and results, shredded when any entrant is erased. */
export const competitionTextKey = (competitionId: string) => `competition:${competitionId}`;

/**
 * What training seals, so that a member's erasure in personnel reaches it: the reason and decision
 * of a mentor assignment under the mentor's key; those of enrolments, attendance, results, entries
 * and awards under their course's or competition's key (they name several members at once, and
 * the text may name any of them). A course's or competition's own announcement names no member and
 * stays in the clear, and so does an award's name ("Giải nhất"), which evaluation's commendations cite.
 */
export const TRAINING_SEALING: SealingPolicy = {
  keyOf: (e) => {
    const data = (e.data ?? {}) as { mentorMemberId?: string; courseId?: string; competitionId?: string };
    switch (e.type) {
      case 'MentorAssigned':
      case 'MentorAssignmentEnded':
        return data.mentorMemberId;
      case 'ParticipantsEnrolled':
      case 'AttendanceRecorded':
      case 'CourseCompleted':
        return data.courseId === undefined ? undefined : courseTextKey(data.courseId);
      case 'CompetitionEntered':
      case 'CompetitionAwarded':
        return data.competitionId === undefined ? undefined : competitionTextKey(data.competitionId);
      default:
        return undefined;
    }
  },
};
