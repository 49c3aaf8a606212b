import { MemberTrainingTextErased } from '@register/contracts';
import { erasureDecider } from '@register/personal-data';

/** Training's answer to a member's erasure in personnel: the text sealed under these courses' and competitions' keys goes, with the member's own. */
export type EraseMemberTrainingText = { type: 'EraseMemberTrainingText'; memberId: string; courseIds: string[]; competitionIds: string[] };

export const trainingErasureDecider = erasureDecider(({ memberId, courseIds, competitionIds }: EraseMemberTrainingText): MemberTrainingTextErased => ({
  type: 'MemberTrainingTextErased',
  data: { memberId, courseIds, competitionIds },
}));
