import { PersonnelEvent } from '@register/contracts';
import { ValidationFailed } from '@register/service-kit';
import { sortKey } from '@register/text';
import { admitted } from '../domain/fixtures';
import { Dated, project } from '../testing/projection-testing';
import { memberDirectoryProjection } from './member-directory.projection';
import { memberFilter, pageMembers } from './member-directory.read-model';

const people: Dated[] = [
  admitted('m1', 'b1', { fullName: 'Lò Thị Hương', dateOfBirth: '2000-01-01', gender: 'female' }),
  admitted('m2', 'b1', { fullName: 'Lương Thị Hường', dateOfBirth: '2001-01-01', gender: 'female' }),
  admitted('m3', 'b2', { fullName: 'Vi Văn Đức', dateOfBirth: '2002-01-01', gender: 'male' }, '2021-03-26'),
];
const directory = async (events: Dated[]) => {
  const p = await project(memberDirectoryProjection, events);
  const members = p.collection('members');
  return { ...p, members, ids: async (request: Parameters<typeof pageMembers>[1]) => (await pageMembers(members, request, '9999-12-31')).items.map((m) => m._id) };
};
const erased = (memberId: string): PersonnelEvent => ({ type: 'MemberPersonalDataErased', data: { memberId, erasedOn: '2025-03-01' } });

describe('member-directory projection', () => {
  it('keeps each member with the name folded for search, the branch and the status', async () => {
    const { members } = await directory(people);
    expect(await members.get('m3')).toEqual({
      _id: 'm3',
      branchId: 'b2',
      status: 'active',
      away: false,
      fullName: 'Vi Văn Đức',
      dateOfBirth: '2002-01-01',
      gender: 'male',
      admittedOn: '2021-03-26',
      erased: false,
      search: 'vi van duc',
      exact: 'vi văn đức',
      sortName: sortKey('Vi Văn Đức'),
      changes: [{ on: '2025-01-01', kind: 'admitted', branchId: 'b2' }],
      settledOn: '2025-01-01',
    });
  });

  it('finds names typed without diacritics in every accented form, and typed with them exactly', async () => {
    const { ids } = await directory(people);
    expect(await ids({ q: 'thi huong' })).toEqual(['m1', 'm2']);
    expect(await ids({ q: 'Thị Hường' })).toEqual(['m2']);
    expect(await ids({ q: 'THỊ HƯƠNG' })).toEqual(['m1']);
    expect(await ids({ q: 'duc' })).toEqual(['m3']);
    expect(await ids({ q: 'DUC', branchId: 'b1' })).toEqual([]);
    expect(await ids({ q: 'thi (huong' })).toEqual([]);
    // A mark typed matches that mark, or a name typed without marks (a probe's import without diacritics).
    const bare = await directory([...people, admitted('m4', 'b2', { fullName: 'Nguyen Thi Hong Nhung', dateOfBirth: '2003-01-01', gender: 'female' })]);
    expect(await bare.ids({ q: 'hồng' })).toEqual(['m4']);
    expect(await bare.ids({ q: 'Thị Hường' })).toEqual(['m2']);
    expect(await bare.ids({ q: 'đức' })).toEqual(['m3']);
    // A query marked in part: its bare letters match any marks (a probe found only the name without marks).
    const mixed = await directory([...people, admitted('m4', 'b2', { fullName: 'Nguyen Thi Hong', dateOfBirth: '2003-01-01', gender: 'female' }), admitted('m5', 'b2', { fullName: 'Nguyễn Thị Hồng', dateOfBirth: '2003-02-02', gender: 'female' }), admitted('m6', 'b2', { fullName: 'Nguyễn Thị Hông', dateOfBirth: '2003-03-03', gender: 'female' })]);
    expect(await mixed.ids({ q: 'thi hồng' })).toEqual(['m4', 'm5']);
    expect((await mixed.ids({ q: 'nguyễn thi hong' })).sort()).toEqual(['m4', 'm5', 'm6']);
    expect((await mixed.ids({ q: 'Thị Hong' })).sort()).toEqual(['m4', 'm5', 'm6']);
    expect(memberFilter({ q: '  ' })).toEqual({});
  });

  it('pages in the order of the folded name, then id', async () => {
    const { members } = await directory(people);
    const first = await pageMembers(members, { limit: 2 }, '9999-12-31');
    expect(first.items.map((m) => m._id)).toEqual(['m1', 'm2']);
    const second = await pageMembers(members, { limit: 2, cursor: first.nextCursor! }, '9999-12-31');
    expect([second.items.map((m) => m._id), second.nextCursor]).toEqual([['m3'], null]);
    await expect(pageMembers(members, { cursor: 'eA' }, '9999-12-31')).rejects.toBeInstanceOf(ValidationFailed);
  });

  it('follows transfers and status changes: away, unassigned, back in a branch', async () => {
    const { ids, members } = await directory([
      ...people,
      { type: 'MemberStatusChanged', data: { memberId: 'm1', branchId: 'b1', status: 'away-work', previousStatus: 'active', changedOn: '2025-01-01' } },
      { type: 'MemberStatusChanged', data: { memberId: 'm3', branchId: 'b2', status: 'unassigned', previousStatus: 'active', changedOn: '2025-02-01' } },
      { type: 'MemberTransferred', data: { memberId: 'm2', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2025-01-01', duesSettledUpTo: '2025-01-01', cause: 'transfer' } },
    ]);
    expect(await members.get('m1')).toMatchObject({ status: 'away-work', away: true, branchId: 'b1' });
    expect(await ids({ status: 'unassigned' })).toEqual(['m3']);
    expect(await ids({ branchId: 'b2' })).toEqual(['m2', 'm3']);
    const back = await directory([
      ...people,
      { type: 'MemberStatusChanged', data: { memberId: 'm3', branchId: 'b2', status: 'unassigned', previousStatus: 'active', changedOn: '2025-02-01' } },
      { type: 'MemberTransferred', data: { memberId: 'm3', fromBranchId: 'b2', toBranchId: 'b9', transferredOn: '2025-03-01', duesSettledUpTo: '2025-03-01', cause: 'transfer' } },
    ]);
    expect(await back.members.get('m3')).toMatchObject({ status: 'active', branchId: 'b9' });
  });

  it('shows each member on a day as asOf folds them: a change dated later is pending, and a page reads on past those it leaves out', async () => {
    const { members } = await directory([
      ...people,
      { type: 'MemberTransferred', data: { memberId: 'm2', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2025-07-01', duesSettledUpTo: '2025-07-01', cause: 'transfer' }, on: '2025-07-01' },
      { type: 'MemberStatusChanged', data: { memberId: 'm1', branchId: 'b1', status: 'came-of-age', previousStatus: 'active', changedOn: '2025-08-01' }, on: '2025-08-01' },
      { ...admitted('m4', 'b1', { fullName: 'Hà Văn An', dateOfBirth: '2005-01-01', gender: 'male' }, '2026-01-01'), on: '2026-01-01' },
    ]);
    const on = async (day: string, request: Parameters<typeof pageMembers>[1]) => (await pageMembers(members, { ...request, limit: 1 }, day)).items.map((m) => `${m._id}:${m.branchId}:${m.status}`);
    /** Every page of one member, cursor after cursor. */
    const all = async (day: string, request: Parameters<typeof pageMembers>[1]) => {
      const out: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await pageMembers(members, { ...request, limit: 1, cursor }, day);
        out.push(...page.items.map((m) => `${m._id}:${m.branchId}:${m.status}`));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out;
    };
    expect(await all('2025-06-01', { branchId: 'b1' })).toEqual(['m1:b1:active', 'm2:b1:active']);
    expect(await on('2025-06-01', { branchId: 'b2' })).toEqual(['m3:b2:active']);
    expect(await all('2025-07-01', { branchId: 'b2' })).toEqual(['m2:b2:active', 'm3:b2:active']);
    expect(await all('2025-07-01', { status: 'came-of-age' })).toEqual([]);
    expect(await all('2025-08-01', { status: 'came-of-age' })).toEqual(['m1:b1:came-of-age']);
    expect(await all('2026-01-01', { branchId: 'b1' })).toEqual(['m4:b1:active', 'm1:b1:came-of-age']);
  });

  it('drops the name of a member whose personal data is erased, and ignores later corrections', async () => {
    const { ids, members } = await directory([...people, erased('m1'), { type: 'MemberPersonalDataCorrected', data: { memberId: 'm1', personal: { fullName: 'Lò Thị Hương', dateOfBirth: '2000-01-01', gender: 'female' } } }]);
    expect(await members.get('m1')).toMatchObject({ fullName: null, dateOfBirth: null, gender: null, search: '', exact: '', sortName: sortKey(''), erased: true, branchId: 'b1' });
    expect(await ids({ q: 'huong' })).toEqual(['m2']);
  });

  it('a rebuild after the key was shredded (the admission reads personal: null) writes what the live copy holds', async () => {
    const live = await directory([...people, erased('m1')]);
    const shredded = people.map((e) => (e.type === 'MemberAdmitted' && e.data.memberId === 'm1' ? { ...e, data: { ...e.data, personal: null } } : e));
    const rebuilt = await directory([...shredded, erased('m1')]);
    expect(await rebuilt.stored('members')).toEqual(await live.stored('members'));
  });

  it('corrects the name of a member not erased', async () => {
    const { members } = await directory([...people, { type: 'MemberPersonalDataCorrected', data: { memberId: 'm2', personal: { fullName: 'Lương Thị Hoa', dateOfBirth: '2001-01-01', gender: 'female' } } }]);
    expect(await members.get('m2')).toMatchObject({ fullName: 'Lương Thị Hoa', search: 'luong thi hoa', exact: 'lương thị hoa' });
  });
});
