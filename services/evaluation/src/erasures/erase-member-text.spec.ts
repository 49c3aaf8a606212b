import { deciderSpecification } from '@register/event-sourcing';
import { EraseMemberText, evaluationErasureDecider } from './erase-member-text';

describe("a member's erasure reaching evaluation", () => {
  const spec = deciderSpecification(evaluationErasureDecider);
  const erase: EraseMemberText = { type: 'EraseMemberText', memberId: 'm1', ratingIds: ['member.2024.m1'], commendationIds: ['c1'], visitIds: [] };
  const erased = { type: 'MemberFreeTextErased' as const, data: { memberId: 'm1', ratingIds: ['member.2024.m1'], commendationIds: ['c1'], visitIds: [] } };

  it('given nothing erased, when erased, then the records whose text goes are named', () => spec.given([]).when(erase).then([erased]));
  it('given the member erased already, when the erasure comes again, then nothing more is recorded', () => spec.given([erased]).when(erase).then([]));
});
