import { deciderOf, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { MemberEvent, PersonalData } from '@register/contracts';
import { ageOn } from '../domain/dates';
import { Member, memberAggregate } from '../domain/member';
import { ADMISSION_MAX_AGE, ADMISSION_MIN_AGE, checkBorn } from './admit-member';

/**
 * A correction of a member's personal data as the register holds it (a misspelt name, a wrong
 * birth date): the fields given replace those held, the rest stay. The member's key seals the
 * corrected data as it sealed the admission's, so an erasure reaches it too. A correction of the
 * birth date keeps the admission's age rule: the member was 16 to 30 when admitted.
 */
export type CorrectPersonalData = { type: 'CorrectPersonalData'; memberId: string; changes: Partial<PersonalData>; /** The register's today. */ today: string };

/** The decisions on corrections of personal data, over the member's stream. */
export const correctionDecider = deciderOf(memberAggregate, decideCorrection);

export function decideCorrection(c: CorrectPersonalData, s: Member): MemberEvent[] {
  if (!s.exists) throw new NotFoundError('member', c.memberId);
  if (s.erased) throw new RuleViolation('personal-data-erased', `member ${s.memberId}'s personal data was erased at their request: there is nothing to correct`);
  const personal = { ...(s.personal ?? {}), ...c.changes } as PersonalData;
  if (!personal.fullName || !personal.dateOfBirth || !personal.gender) {
    throw new RuleViolation('personal-data-incomplete', `member ${s.memberId} holds no personal data: a correction gives fullName, dateOfBirth and gender`);
  }
  // The same values again, a null for what is not held among them, record nothing (a probe saw phone: null recorded a correction).
  if (s.personal && Object.entries(c.changes).every(([k, v]) => (s.personal![k as keyof PersonalData] ?? null) === (v ?? null))) return [];
  if (c.changes.dateOfBirth !== undefined) checkBorn(personal.dateOfBirth, c.today);
  const age = ageOn(personal.dateOfBirth, s.admittedOn);
  if (c.changes.dateOfBirth !== undefined && (personal.dateOfBirth > s.admittedOn || age < ADMISSION_MIN_AGE || age > ADMISSION_MAX_AGE)) {
    throw new RuleViolation('admission-age', `with the date of birth ${personal.dateOfBirth} the member would have been admitted aged ${personal.dateOfBirth > s.admittedOn ? 'before their birth' : age} on ${s.admittedOn}, outside ${ADMISSION_MIN_AGE} to ${ADMISSION_MAX_AGE}`, { dateOfBirth: personal.dateOfBirth });
  }
  return [{ type: 'MemberPersonalDataCorrected', data: { memberId: s.memberId, personal } }];
}
