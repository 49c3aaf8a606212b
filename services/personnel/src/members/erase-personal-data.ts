import { deciderOf, NotFoundError } from '@register/event-sourcing';
import { MemberEvent } from '@register/contracts';
import { Member, memberAggregate } from '../domain/member';

/**
 * A deletion request (Law 91/2025/QH15): the fact that the data was erased is recorded, then the
 * member's key is shredded, so the log keeps every event but no one can read the personal data.
 * Erasing twice records nothing new.
 */
export type EraseMemberPersonalData = { type: 'EraseMemberPersonalData'; memberId: string; on: string };

/** The decisions on the erasure of personal data, over the member's stream. */
export const erasureDecider = deciderOf(memberAggregate, decideErasure);

export function decideErasure(c: EraseMemberPersonalData, s: Member): MemberEvent[] {
  if (!s.exists) throw new NotFoundError('member', c.memberId);
  if (s.erased) return [];
  return [{ type: 'MemberPersonalDataErased', data: { memberId: s.memberId, erasedOn: c.on } }];
}
