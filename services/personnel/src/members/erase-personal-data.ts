import { deciderOf, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { MemberEvent } from '@register/contracts';
import { Member, memberAggregate } from '../domain/member';

/**
 * A deletion request (Law 91/2025/QH15): the fact that the data was erased is recorded, then the
 * member's key is shredded, so the log keeps every event but no one can read the personal data.
 * Erasing twice records nothing new. The data is unreadable from the moment it is recorded, so
 * its day (`on`, the request's or decision's) is today or earlier, and not before the admission.
 */
export type EraseMemberPersonalData = { type: 'EraseMemberPersonalData'; memberId: string; on: string; today: string };

/** The decisions on the erasure of personal data, over the member's stream. */
export const erasureDecider = deciderOf(memberAggregate, decideErasure);

export function decideErasure(c: EraseMemberPersonalData, s: Member): MemberEvent[] {
  if (!s.exists) throw new NotFoundError('member', c.memberId);
  if (s.erased) return [];
  if (c.on > c.today) throw new RuleViolation('erasure-dated-later', `an erasure takes effect when it is recorded: it cannot be dated ${c.on}, after today (${c.today}); leave effectiveDate out or date it today or earlier`);
  if (s.admittedOn && c.on < s.admittedOn) throw new RuleViolation('effective-before-admission', `the erasure is dated ${c.on}, before the member was admitted on ${s.admittedOn}`);
  return [{ type: 'MemberPersonalDataErased', data: { memberId: s.memberId, erasedOn: c.on } }];
}
