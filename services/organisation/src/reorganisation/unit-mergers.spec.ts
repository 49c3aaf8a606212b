import { ConflictError, deciderSpecification, fold, RuleViolation, WrongExpectedRevisionError } from '@register/event-sourcing';
import { OrganisationEvent } from '@register/contracts';
import { structureDecider } from '../testing/structure-decider';
import { aDistrict, branch, unit } from '../domain/fixtures';
import { lineageIn } from '../domain/lineage';
import { BranchPeople } from '../domain/branch-people';
import { planUnitMerger } from './unit-merger-plan';
import { MergeUnits } from './merge-units';

const spec = deciderSpecification(structureDecider);
const rule = (name: string) => (e: RuleViolation) => e.rule === name;

/**
 * aDistrict (commune tp with b1, b2 under district qp of province na) and a second commune cc with
 * a branch and a sub-union; a second province th with a district and a commune.
 */
const twoCommunes: OrganisationEvent[] = [
  ...aDistrict,
  unit('cc', 'grassroots', 'qp', 'Đoàn xã Châu Cường'),
  branch('b3', 'cc', 'Chi đoàn bản Pà Cọ'),
  unit('cc-school', 'grassroots', 'cc', 'Đoàn trường THCS Châu Cường'),
  unit('th', 'province', 'tw', 'Tỉnh đoàn Thanh Hóa'),
  unit('th-d', 'district', 'th', 'Huyện đoàn Quan Sơn'),
  unit('th-x', 'grassroots', 'th-d', 'Đoàn xã Sơn Thủy'),
  branch('b9', 'th', 'Chi đoàn cơ quan Tỉnh đoàn'),
];

const merge = (sourceUnitIds: string[], into: MergeUnits['into']): MergeUnits => ({ type: 'MergeUnits', mergerId: 'um1', sourceUnitIds, into });
const merged = (sourceUnitIds: string[], intoUnitId: string, intoNewUnit = false): OrganisationEvent => ({ type: 'UnitsMerged', data: { mergerId: 'um1', sourceUnitIds, intoUnitId, intoNewUnit } });

describe('unit mergers', () => {
  it('absorbs a commune into another: its branches and sub-unions move, then it ends', () =>
    spec
      .given(twoCommunes)
      .when(merge(['cc'], { unitId: 'tp' }))
      .then([
        { type: 'UnitMoved', data: { unitId: 'cc-school', fromParentId: 'cc', toParentId: 'tp' } },
        { type: 'BranchMoved', data: { branchId: 'b3', fromUnitId: 'cc', toUnitId: 'tp' } },
        merged(['cc'], 'tp'),
      ]));

  it('combines two communes into a new one under the level above', () =>
    spec
      .given(twoCommunes)
      .when(merge(['tp', 'cc'], { newUnitId: 'tc', name: 'Đoàn xã Tiền Châu', kind: 'grassroots', parentId: 'na' }))
      .then([
        unit('tc', 'grassroots', 'na', 'Đoàn xã Tiền Châu'),
        { type: 'BranchMoved', data: { branchId: 'b1', fromUnitId: 'tp', toUnitId: 'tc' } },
        { type: 'BranchMoved', data: { branchId: 'b2', fromUnitId: 'tp', toUnitId: 'tc' } },
        { type: 'UnitMoved', data: { unitId: 'cc-school', fromParentId: 'cc', toParentId: 'tc' } },
        { type: 'BranchMoved', data: { branchId: 'b3', fromUnitId: 'cc', toUnitId: 'tc' } },
        merged(['tp', 'cc'], 'tc', true),
      ]));

  it('merges provinces: their districts and grassroots unions, and their own branches, go to the successor', () =>
    spec
      .given(twoCommunes)
      .when(merge(['th'], { unitId: 'na' }))
      .then([
        { type: 'UnitMoved', data: { unitId: 'th-d', fromParentId: 'th', toParentId: 'na' } },
        { type: 'BranchMoved', data: { branchId: 'b9', fromUnitId: 'th', toUnitId: 'na' } },
        merged(['th'], 'na'),
      ]));

  it('recorded late, also moves the branches merged since its day: they were under the successor until they closed', () => {
    const dated = (e: OrganisationEvent, effectiveDate: string) => ({ ...e, metadata: { effectiveDate } }) as unknown as OrganisationEvent;
    const since = [
      ...twoCommunes,
      dated(branch('b12', 'tp', 'Chi đoàn bản Mới'), '2026-12-05'),
      dated({ type: 'BranchesMerged', data: { mergerId: 'bm1', sourceBranchIds: ['b1', 'b2'], intoBranchId: 'b12', intoNewBranch: true } }, '2026-12-05'),
      dated({ type: 'BranchDissolved', data: { branchId: 'b3' } }, '2025-03-01'),
    ];
    const moves = (on?: string) =>
      spec.given(since).when({ ...merge(['tp'], { unitId: 'cc' }), ...(on ? { on } : {}) });
    moves('2025-07-01').then([
      { type: 'BranchMoved', data: { branchId: 'b1', fromUnitId: 'tp', toUnitId: 'cc' } },
      { type: 'BranchMoved', data: { branchId: 'b2', fromUnitId: 'tp', toUnitId: 'cc' } },
      { type: 'BranchMoved', data: { branchId: 'b12', fromUnitId: 'tp', toUnitId: 'cc' } },
      merged(['tp'], 'cc'),
    ]);
    // On its day, or without one, the branches closed by then stay where they closed.
    moves('2026-12-05').then([{ type: 'BranchMoved', data: { branchId: 'b12', fromUnitId: 'tp', toUnitId: 'cc' } }, merged(['tp'], 'cc')]);
    moves().then([{ type: 'BranchMoved', data: { branchId: 'b12', fromUnitId: 'tp', toUnitId: 'cc' } }, merged(['tp'], 'cc')]);
  });

  it('ends the sources as merged, with the successor in their lineage and they in its', () => {
    const events = [...twoCommunes, { type: 'BranchMoved', data: { branchId: 'b3', fromUnitId: 'cc', toUnitId: 'tp' } }, merged(['cc'], 'tp')] as OrganisationEvent[];
    const s = fold(structureDecider, events.map((e) => ({ ...e, metadata: { effectiveDate: '2025-07-01' } })));
    expect(s.units.get('cc')).toMatchObject({ status: 'merged', dissolvedOn: '2025-07-01', successorIds: ['tp'] });
    expect(s.units.get('tp')).toMatchObject({ status: 'active', predecessorIds: ['cc'] });
    expect(s.branches.get('b3')!.parentUnitId).toBe('tp');
    expect(lineageIn(s.units, 'cc').successors.map((u) => u.id)).toEqual(['tp']);
    expect(lineageIn(s.units, 'tp').predecessors.map((u) => u.id)).toEqual(['cc']);
  });

  it('refuses a unit merged away, or dissolved, as a source or a target', () => {
    const past = [...twoCommunes, merged(['cc'], 'tp')];
    spec.given(past).when(merge(['cc'], { unitId: 'tp' })).thenThrows(RuleViolation, rule('source-unit-merged'));
    spec.given(past).when(merge(['tp'], { unitId: 'cc' })).thenThrows(RuleViolation, rule('target-unit-merged'));
    spec
      .given([...twoCommunes, unit('x', 'grassroots', 'qp'), { type: 'UnitDissolved', data: { unitId: 'x' } }])
      .when(merge(['x'], { unitId: 'tp' }))
      .thenThrows(RuleViolation, rule('source-unit-dissolved'));
    spec.given(twoCommunes).when(merge(['nowhere'], { unitId: 'tp' })).thenThrows(RuleViolation, rule('source-unit-unknown'));
  });

  it('refuses the central committee and districts: only communes and provinces merge', () => {
    spec.given(twoCommunes).when(merge(['tw'], { unitId: 'na' })).thenThrows(RuleViolation, rule('unit-kind-not-mergeable'));
    spec.given(twoCommunes).when(merge(['th-d'], { unitId: 'qp' })).thenThrows(RuleViolation, rule('unit-kind-not-mergeable'));
  });

  it('refuses sources of different kinds, and a target of another kind', () => {
    spec.given(twoCommunes).when(merge(['th', 'cc'], { unitId: 'na' })).thenThrows(RuleViolation, rule('merge-sources-of-different-kinds'));
    spec.given(twoCommunes).when(merge(['cc'], { unitId: 'na' })).thenThrows(RuleViolation, rule('merge-target-of-another-kind'));
    spec.given(twoCommunes).when(merge(['tp', 'cc'], { newUnitId: 'n', name: 'n', kind: 'province', parentId: 'tw' })).thenThrows(RuleViolation, rule('merge-target-of-another-kind'));
  });

  it('refuses a source under another source (mixing levels), and a successor inside a source', () => {
    spec.given(twoCommunes).when(merge(['cc', 'cc-school'], { unitId: 'tp' })).thenThrows(RuleViolation, rule('merge-sources-nested'));
    spec.given(twoCommunes).when(merge(['cc'], { unitId: 'cc-school' })).thenThrows(RuleViolation, rule('merge-target-inside-source'));
    spec.given(twoCommunes).when(merge(['tp', 'cc'], { newUnitId: 'n', name: 'n', kind: 'grassroots', parentId: 'cc' })).thenThrows(RuleViolation, rule('merge-target-inside-source'));
  });

  it('refuses a merger into itself, an empty or repeated list, and a new unit from one source', () => {
    spec.given(twoCommunes).when(merge(['cc', 'tp'], { unitId: 'tp' })).thenThrows(RuleViolation, rule('merge-into-itself'));
    spec.given(twoCommunes).when(merge([], { unitId: 'tp' })).thenThrows(RuleViolation, rule('merge-needs-a-source'));
    spec.given(twoCommunes).when(merge(['cc', 'cc'], { unitId: 'tp' })).thenThrows(RuleViolation, rule('merge-sources-repeated'));
    spec.given(twoCommunes).when(merge(['cc'], { newUnitId: 'n', name: 'n', kind: 'grassroots', parentId: 'qp' })).thenThrows(RuleViolation, rule('merge-needs-two-sources'));
  });

  it('refuses a new unit whose id is taken, or under a parent its kind cannot sit under', () => {
    spec.given(twoCommunes).when(merge(['tp', 'cc'], { newUnitId: 'th', name: 'n', kind: 'grassroots', parentId: 'qp' })).thenThrows(ConflictError, (e) => e.rule === 'unit-id-taken');
    spec.given(twoCommunes).when(merge(['na', 'th'], { newUnitId: 'n', name: 'n', kind: 'province', parentId: 'na' })).thenThrows(RuleViolation, rule('merge-target-inside-source'));
    spec
      .given([...twoCommunes, unit('p3', 'province', 'tw')])
      .when(merge(['na', 'th'], { newUnitId: 'n', name: 'n', kind: 'province', parentId: 'p3' }))
      .thenThrows(RuleViolation, rule('unit-kind-order'));
  });

  it('refuses a successor that would hold two active branches of one name (409), naming them', () =>
    spec
      .given([...twoCommunes, branch('b4', 'cc', 'Chi đoàn bản Na Ca')])
      .when(merge(['cc'], { unitId: 'tp' }))
      .thenThrows(ConflictError, (e) => e.rule === 'branch-name-taken' && JSON.stringify(e.details.branchNameClashes) === JSON.stringify([{ name: 'Chi đoàn bản Na Ca', branchIds: ['b1', 'b4'] }])));

  it('checks If-Match against the absorbing unit', () =>
    spec.given(twoCommunes).when(merge(['cc'], { unitId: 'tp', ifVersion: 9 })).thenThrows(WrongExpectedRevisionError));
});

describe('unit merger dry run', () => {
  const people: BranchPeople = { memberCount: (id) => ({ b1: 4, b2: 3, b3: 5, b4: 2 })[id] ?? 0, hasSecretary: (id) => id === 'b3' };

  it('answers what would move, with members, and changes nothing', () => {
    const s = fold(structureDecider, twoCommunes);
    const plan = planUnitMerger(merge(['cc'], { unitId: 'tp' }), s, people, '2025-01-01');
    expect(plan).toEqual({
      dryRun: true,
      events: ['UnitMoved', 'BranchMoved', 'UnitsMerged'],
      intoUnitId: 'tp',
      unitOpened: null,
      unitsClosed: [{ id: 'cc', name: 'Đoàn xã Châu Cường', kind: 'grassroots' }],
      unitsMoving: [{ unitId: 'cc-school', name: 'Đoàn trường THCS Châu Cường', kind: 'grassroots', fromUnitId: 'cc', toUnitId: 'tp' }],
      branchesMoving: [{ branchId: 'b3', name: 'Chi đoàn bản Pà Cọ', fromUnitId: 'cc', toUnitId: 'tp', members: 5 }],
      following: { branches: 1, members: 5, secretaries: 1 },
      branchNameClashes: [],
    });
    expect(s.units.get('cc')!.status).toBe('active');
  });

  it('lists the branch names that would clash, where the real merger refuses them', () => {
    const s = fold(structureDecider, [...twoCommunes, branch('b4', 'cc', 'Chi đoàn bản Na Ca')]);
    const plan = planUnitMerger(merge(['cc', 'tp'], { newUnitId: 'n', name: 'Đoàn xã mới', kind: 'grassroots', parentId: 'qp' }), s, people, '2025-01-01');
    expect(plan.unitOpened).toEqual({ id: 'n', name: 'Đoàn xã mới', kind: 'grassroots', parentId: 'qp' });
    expect(plan.branchNameClashes).toEqual([{ name: 'Chi đoàn bản Na Ca', branchIds: ['b4', 'b1'] }]);
    expect(plan.following).toEqual({ branches: 4, members: 14, secretaries: 1 });
  });

  it('throws the rule the real merger would refuse with', () => {
    expect(() => planUnitMerger(merge(['tw'], { unitId: 'na' }), fold(structureDecider, twoCommunes), people, '2025-01-01')).toThrow(RuleViolation);
  });
});
