import { deciderOf, Evolver } from '@register/event-sourcing';
import { MemberFreeTextErased } from '@register/contracts';

/** Evaluation's answer to a member's erasure in personnel: the free text of these records goes. */
export type EraseMemberText = { type: 'EraseMemberText'; memberId: string; ratingIds: string[]; commendationIds: string[]; visitIds: string[] };

export interface MemberErasure {
  erased: boolean;
}

const erasureAggregate: Evolver<MemberFreeTextErased, MemberErasure> = { initialState: () => ({ erased: false }), evolve: () => ({ erased: true }) };

/** Once per member: personnel's erasure delivered again (a replay, a redelivery) records nothing more. */
export function decideErasure(c: EraseMemberText, s: MemberErasure): MemberFreeTextErased[] {
  if (s.erased) return [];
  const { memberId, ratingIds, commendationIds, visitIds } = c;
  return [{ type: 'MemberFreeTextErased', data: { memberId, ratingIds, commendationIds, visitIds } }];
}

export const erasureDecider = deciderOf(erasureAggregate, decideErasure);
