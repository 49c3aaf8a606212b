import { MemberTrainingTextErased } from '@register/contracts';
import { erasureDecider } from '@register/personal-data';

/** Training's answer to a member's erasure in personnel: their text goes, and that of these events naming them with others. */
export type EraseMemberTrainingText = { type: 'EraseMemberTrainingText'; memberId: string; eventIds: string[] };

export const trainingErasureDecider = erasureDecider(({ memberId, eventIds }: EraseMemberTrainingText): MemberTrainingTextErased => ({
  type: 'MemberTrainingTextErased',
  data: { memberId, eventIds },
}));
