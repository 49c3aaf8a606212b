import { OrganisationEvent } from '@register/contracts';
import { nameKey, paginate } from '@register/service-kit';
import { foldDiacritics, sortKey } from '@register/text';
import { Dated, foldFacts, prefixes, project, randomReorganisation } from '../testing/projection-testing';
import { ancestry, branchView } from '../application/views';
import { aDistrict, branch, unit } from '../domain/fixtures';
import { branchDirectoryProjection } from './branch-directory.projection';
import { DirectoryPeople, nobodyYet } from '../domain/branch-people';
import { DirectoryFilter, lineageOf, searchBranches } from './directory-query';
import { directoryView, pageDirectory, readLineage } from './directory-read-model';
import { structureDecider } from '../testing/structure-decider';

const directory = async (events: Dated[]) => {
  const p = await project(branchDirectoryProjection, events);
  const branches = p.collection('branches');
  return { ...p, branches, list: (request: Parameters<typeof pageDirectory>[1], people: DirectoryPeople = nobodyYet) => pageDirectory(branches, request, people) };
};
const ids = (page: { items: Array<{ id: string }> }) => page.items.map((b) => b.id);
const thongThu = branch('b3', 'tp', 'Chi đoàn thôn Thông Thụ', { kind: 'hamlet', name: 'Thông Thụ' });

describe('branch-directory projection', () => {
  it('keeps each branch with its ancestors and its name folded for search', async () => {
    const { docs } = await directory([...aDistrict, { ...thongThu, on: '2024-03-26' }]);
    expect((await docs('branches')).find((b) => b._id === 'b3')).toEqual({
      _id: 'b3',
      parentUnitId: 'tp',
      name: 'Chi đoàn thôn Thông Thụ',
      area: { kind: 'hamlet', name: 'Thông Thụ' },
      status: 'active',
      predecessorIds: [],
      successorIds: [],
      establishedOn: '2024-03-26',
      closedOn: null,
      version: 1,
      ancestorIds: ['tw', 'na', 'qp', 'tp'],
      depth: 4,
      search: 'chi doan thon thong thu thong thu',
      exact: 'chi đoàn thôn thông thụ thông thụ',
      sortName: sortKey('Chi đoàn thôn Thông Thụ'),
    });
  });

  it('finds "Thông Thụ" by "thong thu", by "THÔNG THỤ" and by its area, never by a stranger', async () => {
    const { list } = await directory([...aDistrict, thongThu]);
    for (const q of ['thong thu', 'THÔNG THỤ', 'Thông Thụ', 'thôn thong', 'chi doan thon']) expect(ids(await list({ q }))).toEqual(['b3']);
    expect(ids(await list({ q: 'na ca' }))).toEqual(['b1']);
    expect(ids(await list({ q: 'thong (thu' }))).toEqual([]);
    expect(ids(await list({ q: 'doan' }))).toEqual(['b2', 'b1', 'b3']);
  });

  it('lists a whole subtree by parentUnitId, and follows a unit that moves with its branches', async () => {
    const events: OrganisationEvent[] = [
      ...aDistrict,
      unit('qc', 'district', 'na', 'Huyện đoàn Quỳ Châu'),
      unit('cp', 'grassroots', 'qc', 'Đoàn xã Châu Phong'),
      branch('b9', 'cp', 'Chi đoàn bản Hạnh Tiến'),
      unit('sc', 'grassroots', 'tp', 'Đoàn trường THCS'),
      branch('b3', 'sc', 'Chi đoàn lớp 9A', null),
    ];
    const before = await directory(events);
    expect(ids(await before.list({ parentUnitId: 'qp' }))).toEqual(['b2', 'b1', 'b3']);
    expect(ids(await before.list({ parentUnitId: 'sc' }))).toEqual(['b3']);
    const after = await directory([...events, { type: 'UnitMoved', data: { unitId: 'tp', fromParentId: 'qp', toParentId: 'qc' } }]);
    expect(ids(await after.list({ parentUnitId: 'qp' }))).toEqual([]);
    expect(ids(await after.list({ parentUnitId: 'qc' }))).toEqual(['b9', 'b2', 'b1', 'b3']);
    expect((await after.branches.get('b3'))?.ancestorIds).toEqual(['tw', 'na', 'qc', 'tp', 'sc']);
    const moved = await directory([...events, { type: 'BranchMoved', data: { branchId: 'b1', fromUnitId: 'tp', toUnitId: 'cp' } }]);
    expect(ids(await moved.list({ parentUnitId: 'qc' }))).toEqual(['b9', 'b1']);
    expect(await moved.branches.get('b1')).toMatchObject({ parentUnitId: 'cp', ancestorIds: ['tw', 'na', 'qc', 'cp'], version: 2 });
  });

  it('lists a merged commune\'s branches, and its sub-unions\', under the successor, as the fold does', async () => {
    const events: Dated[] = [...aDistrict, unit('cc', 'grassroots', 'qp', 'Đoàn xã Châu Cường'), branch('b3', 'cc', 'Chi đoàn bản Pà Cọ'), unit('cs', 'grassroots', 'cc', 'Đoàn trường'), branch('b4', 'cs', 'Chi đoàn lớp 9A', null)];
    const merger = structureDecider.decide({ type: 'MergeUnits', mergerId: 'um', sourceUnitIds: ['cc'], into: { unitId: 'tp' } }, foldFacts(events));
    const after = await directory([...events, ...merger]);
    expect(ids(await after.list({ parentUnitId: 'tp' }))).toEqual(['b2', 'b1', 'b3', 'b4']);
    expect(ids(await after.list({ parentUnitId: 'cc' }))).toEqual([]);
    expect(await after.branches.get('b4')).toMatchObject({ parentUnitId: 'cs', ancestorIds: ['tw', 'na', 'qp', 'tp', 'cs'] });
    expect(ids(await after.list({ parentUnitId: 'tp' }))).toEqual(searchBranches(foldFacts([...events, ...merger]), { parentUnitId: 'tp' }).map((b) => b.id));
  });

  it('records mergers and splits on both sides; closed branches show with their status', async () => {
    const events: Dated[] = [
      ...aDistrict,
      thongThu,
      { type: 'BranchEstablished', data: { branchId: 'n1', parentUnitId: 'tp', name: 'Chi đoàn bản Na Ca Mới', area: { kind: 'village', name: 'Na Ca' }, predecessorIds: ['b1', 'b2'] }, on: '2025-06-01' },
      { type: 'BranchesMerged', data: { mergerId: 'm1', sourceBranchIds: ['b1', 'b2'], intoBranchId: 'n1', intoNewBranch: true }, on: '2025-06-01' },
      { type: 'BranchEstablished', data: { branchId: 'p1', parentUnitId: 'tp', name: 'Chi đoàn xóm 1', area: null, predecessorIds: ['n1'] }, on: '2025-09-01' },
      { type: 'BranchEstablished', data: { branchId: 'p2', parentUnitId: 'tp', name: 'Chi đoàn xóm 2', area: null, predecessorIds: ['n1'] }, on: '2025-09-01' },
      { type: 'BranchSplit', data: { splitId: 's1', sourceBranchId: 'n1', parts: [{ branchId: 'p1', memberIds: [] }, { branchId: 'p2', memberIds: [] }] }, on: '2025-09-01' },
      { type: 'BranchesMerged', data: { mergerId: 'm2', sourceBranchIds: ['p2'], intoBranchId: 'b3', intoNewBranch: false }, on: '2025-10-01' },
    ];
    const { list, branches } = await directory(events);
    expect(await branches.get('b1')).toMatchObject({ status: 'merged', closedOn: '2025-06-01', successorIds: ['n1'], version: 2 });
    expect(await branches.get('n1')).toMatchObject({ status: 'split', predecessorIds: ['b1', 'b2'], successorIds: ['p1', 'p2'], version: 2 });
    expect(await branches.get('b3')).toMatchObject({ status: 'active', predecessorIds: ['p2'], version: 2 });
    expect(ids(await list({}))).toEqual(['b3', 'p1']);
    expect(ids(await list({ status: 'merged' }))).toEqual(['b2', 'b1', 'p2']);
    expect(ids(await list({ status: 'any', limit: 500 }))).toEqual(['b2', 'b1', 'n1', 'b3', 'p1', 'p2']);
    const s = foldFacts(events);
    for (const id of s.branches.keys()) expect(directoryView((await branches.get(id)) as never)).toEqual(branchView(s.branches.get(id)!));
  });

  it('filters by members and secretary from what the organisation knows of people, page by page', async () => {
    const many = Array.from({ length: 40 }, (_, i) => branch(`h${i}`, 'tp', `Chi đoàn bản ${String(i).padStart(2, '0')}`));
    const { list } = await directory([...aDistrict, ...many]);
    const people: DirectoryPeople = { hasMembers: (id) => Number(id.slice(1)) % 3 === 0, hasSecretary: (id) => id === 'h9' };
    const pages: string[] = [];
    for (let cursor: string | undefined, k = 0; k < 20; k++) {
      const page = await list({ hasMembers: true, limit: 4, cursor }, people);
      pages.push(...ids(page));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(pages).toEqual(Array.from({ length: 14 }, (_, k) => `h${k * 3}`));
    expect(ids(await list({ hasSecretary: true }, people))).toEqual(['h9']);
    expect(ids(await list({ hasMembers: false, hasSecretary: true }, people))).toEqual([]);
    expect(ids(await list({ hasMembers: false, limit: 500 }, people))).toHaveLength(26 + 2);
  });

  it.each([1, 2, 3, 4, 5])('answers what the fold of the same facts answers (random reorganisation %i)', async (seed) => {
    for (const events of prefixes(randomReorganisation(seed).events)) await sameDirectory(events);
  });

  it('writes the same documents whether events are written one by one or in batches', async () => {
    const { events } = randomReorganisation(11);
    const batched = await project(branchDirectoryProjection, events);
    const single = await project(branchDirectoryProjection, events, { maxBatchEvents: 1, pageSize: 5 });
    for (const c of ['units', 'branches']) expect(await single.docs(c)).toEqual(await batched.docs(c));
  });
});

async function sameDirectory(events: Dated[]) {
  const s = foldFacts(events);
  const { list, branches } = await directory(events);
  for (const [id, b] of s.branches) {
    const doc = await branches.get(id);
    expect(directoryView(doc as never)).toEqual(branchView(b));
    expect(doc?.ancestorIds).toEqual(ancestry(s, b.parentUnitId).map((u) => u.id));
    expect(doc?.search).toEqual(foldDiacritics(`${b.name} ${b.area?.name ?? ''}`));
  }
  const filters: DirectoryFilter[] = [{}, { status: 'any' }, { status: 'merged' }, { q: 'thong' }, { q: 'Chi đoàn hợp' }, { q: 'xa' }, ...[...s.units.keys()].map((parentUnitId) => ({ parentUnitId, status: 'any' as const }))];
  for (const filter of filters) {
    const folded = searchBranches(s, filter);
    const pages: string[] = [];
    let foldCursor: string | undefined;
    let cursor: string | undefined;
    do {
      const page = await list({ ...filter, limit: 7, cursor });
      const expected = paginate(folded, (b) => nameKey(sortKey(b.name), b.id), 7, foldCursor);
      expect(page).toEqual({ items: expected.items.map(branchView), nextCursor: expected.nextCursor });
      pages.push(...ids(page));
      cursor = page.nextCursor ?? undefined;
      foldCursor = expected.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual(folded.map((b) => b.id));
  }
  for (const [id, b] of s.branches) {
    const { predecessors, successors } = lineageOf(s, id);
    expect(await readLineage(branches, id)).toEqual({ branch: branchView(b), predecessors: predecessors.map(branchView), successors: successors.map(branchView) });
  }
}
