import { deciderSpecification } from '@register/event-sourcing';
import { TRAINING_SEALING } from '../application/sealing-policy';
import { EraseMemberTrainingText, trainingErasureDecider } from './erase-member-text';

describe("a member's erasure reaching training", () => {
  const spec = deciderSpecification(trainingErasureDecider);
  const erase: EraseMemberTrainingText = { type: 'EraseMemberTrainingText', memberId: 'm1', eventIds: ['e1'] };
  const erased = { type: 'MemberTrainingTextErased' as const, data: { memberId: 'm1', eventIds: ['e1'] } };

  it('given nothing erased, when erased, then the events naming them with others are named', () => spec.given([]).when(erase).then([erased]));
  it('given the member erased already, when the erasure comes again, then nothing more is recorded', () => spec.given([erased]).when(erase).then([]));

  it("seals a mentor's assignments under the mentor's key, a course's and a competition's events under the members they name, and announcements not at all", () => {
    const sealing = (type: string, data: object) => [TRAINING_SEALING.keyOf({ type, data }), TRAINING_SEALING.membersOf?.({ type, data })];
    expect([
      sealing('MentorAssigned', { mentorMemberId: 'm1', branchId: 'b1' }),
      sealing('ParticipantsEnrolled', { courseId: 'k1', participants: [{ memberId: 'm1' }, { memberId: 'm2' }] }),
      sealing('AttendanceRecorded', { courseId: 'k1', presentMemberIds: ['m1'], participantIds: ['m1', 'm2'] }),
      sealing('CourseCancelled', { courseId: 'k1', participantIds: ['m2'] }),
      sealing('CompetitionAwarded', { competitionId: 'h1', awards: [{ memberId: 'm3', award: 'Giải nhất' }] }),
      sealing('CourseScheduled', { courseId: 'k1' }),
      sealing('CompetitionAnnounced', { competitionId: 'h1' }),
    ]).toEqual([['m1', undefined], [undefined, ['m1', 'm2']], [undefined, ['m1', 'm2']], [undefined, ['m2']], [undefined, ['m3']], [undefined, undefined], [undefined, undefined]]);
  });
});
