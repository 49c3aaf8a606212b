import { EventStore, RecordedEvent } from '@register/event-sourcing';
import { PersonnelEvent } from '@register/contracts';
import { admitted, appointed } from '../domain/fixtures';
import { PersonnelDirectory } from './personnel-directory';

let position = 0;
const recorded = (e: PersonnelEvent): RecordedEvent =>
  ({ ...e, eventId: `e${++position}`, schemaVersion: 1, streamId: 's', revision: 0, position, recordedAt: '', metadata: { actor: 'a', reason: 'r', effectiveDate: '2025-01-01', correlationId: 'c' } }) as RecordedEvent;

describe('the member directory projection', () => {
  const directory = new PersonnelDirectory({} as EventStore);
  const people = [
    admitted('m1', 'b1', { fullName: 'Lò Thị Hương', dateOfBirth: '2000-01-01', gender: 'female' }),
    admitted('m2', 'b1', { fullName: 'Lương Thị Hường', dateOfBirth: '2001-01-01', gender: 'female' }),
    admitted('m3', 'b2', { fullName: 'Vi Văn Đức', dateOfBirth: '2002-01-01', gender: 'male' }),
  ];
  for (const e of people) directory.apply(recorded(e));

  it('finds names typed without diacritics in every accented form, and typed with them exactly', () => {
    expect(directory.search({ q: 'thi huong' }).map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(directory.search({ q: 'Thị Hường' }).map((m) => m.id)).toEqual(['m2']);
    expect(directory.search({ q: 'duc' }).map((m) => m.id)).toEqual(['m3']);
    expect(directory.search({ q: 'DUC', branchId: 'b1' })).toEqual([]);
  });

  it('follows transfers and status changes; counts only members in the branch', () => {
    directory.apply(recorded({ type: 'MemberTransferred', data: { memberId: 'm3', fromBranchId: 'b2', toBranchId: 'b1', transferredOn: '2025-01-01', duesSettledUpTo: '2025-01-01', cause: 'transfer' } }));
    directory.apply(recorded({ type: 'MemberStatusChanged', data: { memberId: 'm2', branchId: 'b1', status: 'left', previousStatus: 'active', changedOn: '2025-01-01' } }));
    expect(directory.membersOf('b1')).toEqual(['m1', 'm3']);
    expect(directory.search({ status: 'left' }).map((m) => m.id)).toEqual(['m2']);
  });

  it('keeps every post: current officers, careers', () => {
    directory.apply(recorded(appointed('m1')));
    expect(directory.officersOf('b1').map((p) => p.memberId)).toEqual(['m1']);
    directory.apply(recorded({ type: 'OfficerDeparted', data: { branchId: 'b1', memberId: 'm1', role: 'secretary', endsOn: '2025-02-01', cause: 'resigned' } }));
    expect(directory.officersOf('b1')).toEqual([]);
    expect(directory.careerOf('m1')).toEqual([expect.objectContaining({ branchId: 'b1', role: 'secretary', endsOn: '2025-02-01', cause: 'resigned' })]);
  });

  it('forgets the name of a member whose personal data was erased', () => {
    directory.apply(recorded({ type: 'MemberPersonalDataErased', data: { memberId: 'm1', erasedOn: '2025-03-01' } }));
    expect(directory.member('m1')).toMatchObject({ fullName: null, dateOfBirth: null });
    expect(directory.search({ q: 'huong' }).map((m) => m.id)).toEqual(['m2']);
  });
});
