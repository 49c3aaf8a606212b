import { deciderSpecification, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { admitted, huong } from '../domain/fixtures';
import { memberDecider } from '../testing/member-decider';

const spec = deciderSpecification(memberDecider);
const correct = (changes: Record<string, unknown>) => ({ type: 'CorrectPersonalData' as const, memberId: 'm1', changes, today: '2026-12-06' });
const rule = (name: string) => (e: RuleViolation) => e.rule === name;

describe('correcting personal data', () => {
  it('replaces the fields given and keeps the rest', () =>
    spec.given([admitted()]).when(correct({ fullName: 'Lò Thị Hường' })).then([{ type: 'MemberPersonalDataCorrected', data: { memberId: 'm1', personal: { ...huong, fullName: 'Lò Thị Hường' } } }]));
  it('records nothing for the values held already', () => spec.given([admitted()]).when(correct({ fullName: huong.fullName })).then([]));
  it('records nothing for a null given for what is not held (a probe saw phone: null recorded a correction)', () =>
    spec.given([admitted()]).when(correct({ phone: null, fullName: huong.fullName })).then([]));
  it('refuses a corrected date of birth to come (day-not-come)', () =>
    spec.given([admitted()]).when(correct({ dateOfBirth: '2027-01-01' })).thenThrows(RuleViolation, (e) => e.rule === 'day-not-come' && e.details.field === 'dateOfBirth'));
  it('keeps the admission age rule for a corrected birth date (admission-age)', () => spec.given([admitted()]).when(correct({ dateOfBirth: '2012-01-01' })).thenThrows(RuleViolation, rule('admission-age')));
  it('refuses an erased member (personal-data-erased) and an unknown one', () => {
    spec.given([admitted(), { type: 'MemberPersonalDataErased', data: { memberId: 'm1', erasedOn: '2025-01-01' } }]).when(correct({ fullName: 'Lò Thị Hương' })).thenThrows(RuleViolation, rule('personal-data-erased'));
    spec.given([]).when(correct({ fullName: 'Lò Thị Hương' })).thenThrows(NotFoundError);
  });
});
