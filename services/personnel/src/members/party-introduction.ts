import { deciderOf, ConflictError, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { MemberEvent } from '@register/contracts';
import { Member, memberAggregate } from '../domain/member';

/** Giới thiệu đoàn viên ưu tú cho Đảng: an outstanding member in the union is introduced; the Party then admits them or not. */
/** `today`: the day it is recorded; an introduction or outcome is recorded once made, never ahead. */
export type IntroduceToParty = { type: 'IntroduceToParty'; memberId: string; on: string; today?: string };
export type RecordPartyOutcome = { type: 'RecordPartyOutcome'; memberId: string; outcome: 'admitted' | 'not-admitted'; on: string; today?: string };

/** The decisions on introductions to the Party and their outcomes, over the member's stream. */
export const partyIntroductionDecider = deciderOf(memberAggregate, decidePartyIntroduction);

export function decidePartyIntroduction(c: IntroduceToParty | RecordPartyOutcome, s: Member): MemberEvent[] {
  if (!s.exists) throw new NotFoundError('member', c.memberId);
  if (c.today !== undefined && c.on > c.today) {
    throw new RuleViolation('day-not-come', `${c.on} has not come yet (today is ${c.today}): ${c.type === 'IntroduceToParty' ? 'an introduction' : "the Party's decision"} is recorded once made`, { field: 'effectiveDate' });
  }
  if (c.type === 'IntroduceToParty') {
    if (s.status !== 'active' && s.status !== 'away-work' && s.status !== 'away-study') {
      throw new RuleViolation('member-not-active', `member ${s.memberId} is ${s.status}: only a member of a branch is introduced to the Party`);
    }
    if (s.party.status === 'admitted') throw new RuleViolation('already-party-member', `member ${s.memberId} was admitted to the Party on ${s.party.since}`);
    if (s.party.status === 'introduced') throw new ConflictError('introduction-open', `member ${s.memberId} was introduced on ${s.party.since}; its outcome is pending`);
    if (c.on < s.admittedOn) throw new RuleViolation('introduction-before-admission', `member ${s.memberId} was admitted to the union on ${s.admittedOn}: only a member is introduced`);
    // A new introduction after one that was not admitted comes after that outcome, not before it.
    if (s.party.since !== null && c.on < s.party.since) throw new RuleViolation('introduction-before-last-outcome', `the member's last introduction was decided on ${s.party.since}`, { since: s.party.since });
    return [{ type: 'MemberIntroducedToParty', data: { memberId: s.memberId, introducedOn: c.on } }];
  }
  if (s.party.status !== 'introduced') throw new RuleViolation('no-open-introduction', `member ${s.memberId} has no pending introduction to the Party`);
  if (c.on < s.party.since!) throw new RuleViolation('outcome-before-introduction', `the member was introduced on ${s.party.since}`);
  return [{ type: 'MemberPartyOutcomeRecorded', data: { memberId: s.memberId, outcome: c.outcome, decidedOn: c.on } }];
}
