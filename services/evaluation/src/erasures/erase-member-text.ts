import { MemberFreeTextErased } from '@register/contracts';
import { erasureDecider } from '@register/personal-data';

/** Evaluation's answer to a member's erasure in personnel: the free text of these records goes. */
export type EraseMemberText = { type: 'EraseMemberText'; memberId: string; ratingIds: string[]; commendationIds: string[]; visitIds: string[] };

export const evaluationErasureDecider = erasureDecider(({ memberId, ratingIds, commendationIds, visitIds }: EraseMemberText): MemberFreeTextErased => ({
  type: 'MemberFreeTextErased',
  data: { memberId, ratingIds, commendationIds, visitIds },
}));
