import { deciderSpecification } from '@register/event-sourcing';
import { TRAINING_SEALING } from '../application/sealing-policy';
import { EraseMemberTrainingText, trainingErasureDecider } from './erase-member-text';

describe("a member's erasure reaching training", () => {
  const spec = deciderSpecification(trainingErasureDecider);
  const erase: EraseMemberTrainingText = { type: 'EraseMemberTrainingText', memberId: 'm1', courseIds: ['k1'], competitionIds: ['h1'] };
  const erased = { type: 'MemberTrainingTextErased' as const, data: { memberId: 'm1', courseIds: ['k1'], competitionIds: ['h1'] } };

  it('given nothing erased, when erased, then the courses and competitions whose text goes are named', () => spec.given([]).when(erase).then([erased]));
  it('given the member erased already, when the erasure comes again, then nothing more is recorded', () => spec.given([erased]).when(erase).then([]));

  it("seals a mentor's assignments under the mentor's key, a course's and a competition's member events under theirs, and announcements not at all", () => {
    const keyOf = (type: string, data: object) => TRAINING_SEALING.keyOf({ type, data });
    expect([
      keyOf('MentorAssigned', { mentorMemberId: 'm1', branchId: 'b1' }),
      keyOf('ParticipantsEnrolled', { courseId: 'k1', participants: [] }),
      keyOf('CompetitionAwarded', { competitionId: 'h1', awards: [] }),
      keyOf('CourseScheduled', { courseId: 'k1' }),
      keyOf('CompetitionAnnounced', { competitionId: 'h1' }),
    ]).toEqual(['m1', 'course:k1', 'competition:h1', undefined, undefined]);
  });
});
