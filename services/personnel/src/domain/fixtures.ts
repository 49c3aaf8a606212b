import { MemberEvent, OfficerAppointed, PersonalData } from '@register/contracts';
import { MemberFacts } from './facts';

/** Lò Thị Hương, born 2000-05-10, admitted 2020-03-26 into branch b1. */
export const huong: PersonalData = { fullName: 'Lò Thị Hương', dateOfBirth: '2000-05-10', gender: 'female', ethnicity: 'Thái' };

export const admitted = (memberId = 'm1', branchId = 'b1', personal: PersonalData = huong, admittedOn = '2020-03-26'): MemberEvent => ({
  type: 'MemberAdmitted',
  data: { memberId, branchId, admittedOn, personal },
});

export const facts = (over: Partial<MemberFacts> = {}): MemberFacts => ({
  memberId: 'm1',
  branchId: 'b1',
  status: 'active',
  admittedOn: '2020-03-26',
  dateOfBirth: '2000-05-10',
  stayUntil: null,
  ...over,
});

export const appointed = (memberId: string, role: 'secretary' | 'deputy-secretary' = 'secretary', startsOn = '2024-01-01'): OfficerAppointed => ({
  type: 'OfficerAppointed',
  data: { branchId: 'b1', memberId, role, method: 'appointed', startsOn, source: 'teacher' },
});
