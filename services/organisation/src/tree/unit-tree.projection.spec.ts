import { NotFoundError } from '@register/event-sourcing';
import { OrganisationEvent } from '@register/contracts';
import { Dated, foldFacts, prefixes, project, randomReorganisation } from '../testing/projection-testing';
import { aDistrict, branch, unit } from '../domain/fixtures';
import { treeOf } from './tree-query';
import { readTree } from './tree-read-model';
import { unitTreeProjection } from './unit-tree.projection';
import { structureDecider } from '../testing/structure-decider';

const tree = async (events: Dated[]) => {
  const p = await project(unitTreeProjection, events);
  return { ...p, read: (id: string, options = {}) => readTree(p.collection('units'), p.collection('branches'), id, options) };
};
const counts = async (events: Dated[]) => Object.fromEntries((await (await project(unitTreeProjection, events)).docs('units')).map((u) => [u._id, u.counts]));
const moved = (unitId: string, fromParentId: string, toParentId: string): OrganisationEvent => ({ type: 'UnitMoved', data: { unitId, fromParentId, toParentId } });

describe('unit-tree projection', () => {
  it('places each unit and branch under its ancestors and counts every subtree', async () => {
    const { docs } = await project(unitTreeProjection, [...aDistrict, branch('b3', 'tp', 'Chi đoàn cơ quan xã', null)]);
    const units = await docs('units');
    expect(units.find((u) => u._id === 'tp')).toEqual({
      _id: 'tp',
      kind: 'grassroots',
      name: 'Đoàn xã Tiền Phong',
      parentId: 'qp',
      ancestorIds: ['tw', 'na', 'qp'],
      depth: 3,
      status: 'active',
      establishedOn: '2025-01-01',
      dissolvedOn: null,
      childUnitIds: [],
      branchIds: ['b1', 'b2', 'b3'],
      counts: { units: 0, branches: 3, residentialBranches: 2 },
    });
    expect(units.find((u) => u._id === 'tw')).toMatchObject({ ancestorIds: [], depth: 0, childUnitIds: ['na'], counts: { units: 3, branches: 3, residentialBranches: 2 } });
    expect((await docs('branches')).find((b) => b._id === 'b1')).toEqual({
      _id: 'b1',
      name: 'Chi đoàn bản Na Ca',
      area: { kind: 'hamlet', name: 'Chi đoàn bản Na Ca' },
      status: 'active',
      parentUnitId: 'tp',
      ancestorIds: ['tw', 'na', 'qp', 'tp'],
      depth: 4,
    });
  });

  it('moves a unit with its whole subtree: new ancestors below it, counts leave the old chain and join the new one', async () => {
    const events = [...aDistrict, unit('qc', 'district', 'na', 'Huyện đoàn Quỳ Châu'), unit('sc', 'grassroots', 'tp', 'Đoàn trường'), branch('b3', 'sc', 'Chi đoàn lớp 10A', null), moved('tp', 'qp', 'qc')];
    const { docs } = await project(unitTreeProjection, events);
    const units = Object.fromEntries((await docs('units')).map((u) => [u._id, u]));
    expect(units.sc).toMatchObject({ ancestorIds: ['tw', 'na', 'qc', 'tp'], depth: 4 });
    expect(units.tp).toMatchObject({ parentId: 'qc', ancestorIds: ['tw', 'na', 'qc'] });
    expect((await docs('branches')).map((b) => [b._id, b.ancestorIds])).toEqual([
      ['b1', ['tw', 'na', 'qc', 'tp']],
      ['b2', ['tw', 'na', 'qc', 'tp']],
      ['b3', ['tw', 'na', 'qc', 'tp', 'sc']],
    ]);
    expect([units.qp.counts, units.qp.childUnitIds]).toEqual([{ units: 0, branches: 0, residentialBranches: 0 }, []]);
    expect([units.qc.counts, units.qc.childUnitIds]).toEqual([{ units: 2, branches: 3, residentialBranches: 2 }, ['tp']]);
    expect(units.na.counts).toEqual({ units: 4, branches: 3, residentialBranches: 2 });
  });

  it('counts only active branches, and residential ones by their area', async () => {
    const base = [...aDistrict, branch('b3', 'tp', 'Chi đoàn bản Pà Cọ')];
    expect((await counts(base)).tp).toEqual({ units: 0, branches: 3, residentialBranches: 3 });
    const closed: OrganisationEvent[] = [
      { type: 'BranchRenamed', data: { branchId: 'b3', name: 'Chi đoàn cơ quan', previousName: 'Chi đoàn bản Pà Cọ', area: null } },
      { type: 'BranchesMerged', data: { mergerId: 'm1', sourceBranchIds: ['b2'], intoBranchId: 'b1', intoNewBranch: false } },
    ];
    expect((await counts([...base, ...closed])).qp).toEqual({ units: 1, branches: 2, residentialBranches: 1 });
    const dissolved: OrganisationEvent[] = [...closed, { type: 'BranchDissolved', data: { branchId: 'b1' } }, { type: 'BranchDissolved', data: { branchId: 'b3' } }, { type: 'UnitDissolved', data: { unitId: 'tp' } }];
    const after = await counts([...base, ...dissolved]);
    expect([after.tp, after.na]).toEqual([
      { units: 0, branches: 0, residentialBranches: 0 },
      { units: 1, branches: 0, residentialBranches: 0 },
    ]);
  });

  it('answers the tree of today with the counts and the levels asked for', async () => {
    const { read } = await tree([...aDistrict, { type: 'BranchDissolved', data: { branchId: 'b2' } }]);
    expect(await read('qp', { depth: 1 })).toEqual({
      id: 'qp',
      kind: 'district',
      name: 'Huyện đoàn Quế Phong',
      status: 'active',
      counts: { units: 1, branches: 1, residentialBranches: 1 },
      children: [{ id: 'tp', kind: 'grassroots', name: 'Đoàn xã Tiền Phong', status: 'active', counts: { units: 0, branches: 1, residentialBranches: 1 }, children: [], branches: [] }],
      branches: [],
    });
    expect((await read('tp', { includeClosed: true })).branches.map((b) => [b.id, b.status])).toEqual([
      ['b2', 'dissolved'],
      ['b1', 'active'],
    ]);
    await expect(read('nowhere')).rejects.toThrow(NotFoundError);
  });

  it('ends merged communes, their branches under the successor, and gives the trees the fold gives', async () => {
    const before = [...aDistrict, unit('cc', 'grassroots', 'qp', 'Đoàn xã Châu Cường'), branch('b3', 'cc', 'Chi đoàn bản Pà Cọ'), unit('cs', 'grassroots', 'cc', 'Đoàn trường')];
    const merger = structureDecider.decide({ type: 'MergeUnits', mergerId: 'um', sourceUnitIds: ['cc'], into: { unitId: 'tp' } }, foldFacts(before));
    const events = [...before, ...merger];
    const units = Object.fromEntries((await (await project(unitTreeProjection, events)).docs('units')).map((u) => [u._id, u]));
    expect(units.cc).toMatchObject({ status: 'merged', dissolvedOn: '2025-01-01', childUnitIds: [], branchIds: [] });
    expect(units.tp).toMatchObject({ childUnitIds: ['cs'], branchIds: ['b1', 'b2', 'b3'], counts: { units: 1, branches: 3, residentialBranches: 3 } });
    expect(units.qp.counts).toEqual({ units: 2, branches: 3, residentialBranches: 3 });
    await sameTrees(events);
  });

  it.each([1, 2, 3, 4, 5])('gives the trees the fold of the same facts gives (random reorganisation %i)', async (seed) => {
    for (const events of prefixes(randomReorganisation(seed).events)) await sameTrees(events);
  });

  async function sameTrees(events: Dated[]) {
    const structure = foldFacts(events);
    const { read } = await tree(events);
    const attempt = async <T>(f: () => T | Promise<T>) => {
      try {
        return await f();
      } catch (error) {
        return (error as Error).name;
      }
    };
    for (const id of structure.units.keys()) {
      for (const options of [{}, { includeClosed: true }, { depth: 1 }, { depth: 0, includeClosed: true }]) {
        const folded = await attempt(() => treeOf(structure, id, options.includeClosed ?? false, 'depth' in options ? options.depth : Infinity));
        expect(await attempt(() => read(id, options))).toEqual(folded);
      }
    }
  }

  it('writes the same documents whether events are written one by one or in batches', async () => {
    const { events } = randomReorganisation(7);
    const batched = await project(unitTreeProjection, events);
    const single = await project(unitTreeProjection, events, { maxBatchEvents: 1, pageSize: 7 });
    for (const c of ['units', 'branches']) expect(await single.docs(c)).toEqual(await batched.docs(c));
  });
});
