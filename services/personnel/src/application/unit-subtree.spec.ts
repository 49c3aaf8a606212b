import { BranchReplica } from './branch-replica';
import { branchesWithin, inForce, placementOf } from './unit-subtree';

const fact = (eventId: string, type: string, data: unknown, effectiveDate: string, recordedAt = `${effectiveDate}T12:00:00Z`) => ({ eventId, type, data, metadata: { effectiveDate }, recordedAt });

/** commune xa-1 and xa-2 under district qp; b-1 under xa-1, b-3 under xa-2 until it moves to xa-1 on 2025-08-01. */
const log = [
  fact('e1', 'UnitEstablished', { unitId: 'qp', kind: 'district', name: 'QP', parentId: null }, '2025-01-01'),
  fact('e2', 'UnitEstablished', { unitId: 'xa-1', kind: 'grassroots', name: 'X1', parentId: 'qp' }, '2025-01-01'),
  fact('e3', 'UnitEstablished', { unitId: 'xa-2', kind: 'grassroots', name: 'X2', parentId: 'qp' }, '2025-01-01'),
  fact('e4', 'BranchEstablished', { branchId: 'b-1', parentUnitId: 'xa-1', name: 'B1', area: null, predecessorIds: [] }, '2025-01-01'),
  fact('e5', 'BranchEstablished', { branchId: 'b-3', parentUnitId: 'xa-2', name: 'B3', area: null, predecessorIds: [] }, '2025-01-01'),
  fact('e6', 'BranchMoved', { branchId: 'b-3', fromUnitId: 'xa-2', toUnitId: 'xa-1' }, '2025-08-01', '2025-09-15T00:00:00Z'),
];

describe('a unit\'s subtree in personnel\'s branch replica', () => {
  const replica = new BranchReplica();
  log.forEach((e) => replica.apply(e));

  it('covers every branch below the unit, at any depth, today', () => {
    expect(replica.branchesUnder('qp').sort()).toEqual(['b-1', 'b-3']);
    expect(replica.branchesUnder('xa-1').sort()).toEqual(['b-1', 'b-3']);
    expect(replica.branchesUnder('xa-2')).toEqual([]);
  });

  it('places a branch where it was on a date (effective dates) or at an instant (recorded times)', () => {
    expect(replica.branchesUnder('xa-2', { kind: 'date', date: '2025-07-31' })).toEqual(['b-3']);
    expect(replica.branchesUnder('xa-2', { kind: 'date', date: '2025-08-01' })).toEqual([]);
    expect(replica.branchesUnder('xa-2', { kind: 'instant', instant: new Date('2025-09-01T00:00:00Z') })).toEqual(['b-3']);
  });

  it('counts a branch only from its establishment, though a move recorded later is dated before it (a commune merger recorded late)', () => {
    const late = new BranchReplica();
    [...log, fact('e7', 'BranchEstablished', { branchId: 'b-4', parentUnitId: 'xa-2', name: 'B4', area: null, predecessorIds: [] }, '2026-01-01'), fact('e8', 'BranchMoved', { branchId: 'b-4', fromUnitId: 'xa-2', toUnitId: 'xa-1' }, '2025-07-01', '2026-02-01T00:00:00Z')].forEach((e) => late.apply(e));
    expect(late.branchesUnder('xa-1', { kind: 'date', date: '2025-12-31' }).sort()).toEqual(['b-1', 'b-3']);
    expect(late.branchesUnder('xa-1', { kind: 'date', date: '2026-01-01' }).sort()).toEqual(['b-1', 'b-3', 'b-4']);
  });

  it('places nothing twice: an establishment delivered again after the move leaves the branch where it moved', () => {
    replica.apply(log[4]);
    expect(replica.branchesUnder('xa-1').sort()).toEqual(['b-1', 'b-3']);
    expect(replica.branchesUnder('xa-2')).toEqual([]);
    expect(replica.knowsUnit('xa-1')).toBe(true);
    expect(replica.knowsUnit('xa-9')).toBe(false);
  });

  it('follows a commune merger by its moves: the new commune holds the branches, the old ones held them before', () => {
    const merger = new BranchReplica();
    [
      ...log.slice(0, 5),
      fact('m1', 'UnitEstablished', { unitId: 'xa-12', kind: 'grassroots', name: 'X12', parentId: 'qp' }, '2025-07-01'),
      fact('m2', 'BranchMoved', { branchId: 'b-1', fromUnitId: 'xa-1', toUnitId: 'xa-12' }, '2025-07-01'),
      fact('m3', 'BranchMoved', { branchId: 'b-3', fromUnitId: 'xa-2', toUnitId: 'xa-12' }, '2025-07-01'),
      fact('m4', 'UnitsMerged', { mergerId: 'um', sourceUnitIds: ['xa-1', 'xa-2'], intoUnitId: 'xa-12', intoNewUnit: true }, '2025-07-01'),
    ].forEach((e) => merger.apply(e));
    expect(merger.branchesUnder('xa-12').sort()).toEqual(['b-1', 'b-3']);
    expect([merger.branchesUnder('xa-1'), merger.branchesUnder('xa-2')]).toEqual([[], []]);
    expect(merger.branchesUnder('xa-2', { kind: 'date', date: '2025-06-30' })).toEqual(['b-3']);
    // The commune rules compare branches' communes: both are now the new commune's.
    expect([merger.get('b-1')?.parentUnitId, merger.get('b-3')?.parentUnitId]).toEqual(['xa-12', 'xa-12']);
  });

  it('stops on a damaged replica whose units form a cycle', () => {
    const cycle = [placementOf(fact('c1', 'UnitMoved', { unitId: 'a', fromParentId: null, toParentId: 'b' }, '2025-01-01'))!, placementOf(fact('c2', 'UnitMoved', { unitId: 'b', fromParentId: null, toParentId: 'a' }, '2025-01-01'))!];
    const branch = placementOf(fact('c3', 'BranchEstablished', { branchId: 'b-x', parentUnitId: 'a', name: 'X', area: null, predecessorIds: [] }, '2025-01-01'))!;
    expect(branchesWithin([...cycle, branch], 'z')).toEqual([]);
    expect(inForce(branch, { kind: 'date', date: '2024-12-31' })).toBe(false);
  });
});
