import { RuleViolation } from '@register/event-sourcing';
import { OrganisationEvent } from '@register/contracts';
import { checkDated, placedWhereClosed } from './dated-changes';
import { branch, unit } from './fixtures';
import { evolveStructure, structureAggregate } from './structure';

/** The structure after these facts, each taking effect on its day. */
const given = (facts: Array<[string, OrganisationEvent]>) => facts.reduce((s, [on, e]) => evolveStructure(s, { ...e, metadata: { effectiveDate: on } }), structureAggregate.initialState());
const rule = (name: string) => (e: unknown) => e instanceof RuleViolation && e.rule === name;
const refusal = (run: () => void) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('changes dated against the structure (found by a black-box probe)', () => {
  const s = given([
    ['2010-01-01', unit('tw', 'central', null)],
    ['2010-01-01', unit('qp', 'district', 'tw')],
    ['2012-01-01', unit('tp', 'grassroots', 'qp')],
    ['2014-01-01', branch('b1', 'tp')],
    ['2022-01-01', branch('b6', 'tp')],
    ['2022-03-01', { type: 'UnitRenamed', data: { unitId: 'tp', name: 'Đoàn xã Tiền Phong mới' } } as OrganisationEvent],
  ]);
  const merged: OrganisationEvent = { type: 'BranchesMerged', data: { mergerId: 'g', sourceBranchIds: ['b6'], intoBranchId: 'b1', intoNewBranch: false } } as OrganisationEvent;

  it('takes a change dated before the thing was established (a register set up today, its history entered after)', () => {
    expect(refusal(() => checkDated([merged], s, '2020-07-01'))).toBeUndefined();
  });

  it('refuses a rename or move dated before the last one of the same thing (dated-before-last-change); on that day or after, it passes', () => {
    const rename = (on: string) => () => checkDated([{ type: 'UnitRenamed', data: { unitId: 'tp', name: 'Tên khác' } } as OrganisationEvent], s, on);
    expect(rule('dated-before-last-change')(refusal(rename('2021-06-01')))).toBe(true);
    expect(refusal(rename('2022-03-01'))).toBeUndefined();
    // another unit's rename is not held to tp's day
    expect(refusal(() => checkDated([{ type: 'UnitRenamed', data: { unitId: 'qp', name: 'Huyện mới' } } as OrganisationEvent], s, '2021-06-01'))).toBeUndefined();
  });

  it('lets pass what the same decision establishes (a new successor is not in the structure yet)', () => {
    expect(refusal(() => checkDated([branch('new', 'tp')], s, '2013-01-01'))).toBeUndefined();
  });
});

describe('a branch closed before a move recorded earlier is placed back where it stood (placedWhereClosed)', () => {
  const moved = (id: string, from: string, to: string) => ({ type: 'BranchMoved', data: { branchId: id, fromUnitId: from, toUnitId: to } }) as OrganisationEvent;
  const dissolved = (id: string) => ({ type: 'BranchDissolved', data: { branchId: id } }) as OrganisationEvent;
  // Given: x2's branches b3 and b4 moved into x1 on 1 July 2025 by a commune merger
  const s = given([
    ['2010-01-01', unit('tw', 'central', null)],
    ['2010-01-01', unit('x1', 'grassroots', 'tw')],
    ['2010-01-01', unit('x2', 'grassroots', 'tw')],
    ['2014-01-01', branch('b3', 'x2')],
    ['2014-01-01', branch('b4', 'x2')],
    ['2025-07-01', moved('b3', 'x2', 'x1')],
    ['2025-07-01', moved('b4', 'x2', 'x1')],
  ]);

  it('when dissolved on a day before the move: moved back first, to where it stood that day', () => {
    expect(placedWhereClosed([dissolved('b3')], s, '2025-03-01')).toEqual([moved('b3', 'x1', 'x2'), dissolved('b3')]);
  });

  it('when dissolved on or after the move: nothing added', () => {
    expect(placedWhereClosed([dissolved('b3')], s, '2025-07-01')).toEqual([dissolved('b3')]);
    expect(placedWhereClosed([dissolved('b3')], s, '2025-09-01')).toEqual([dissolved('b3')]);
  });

  it("when merged: each source moved back, not the branch merged into", () => {
    const merger = { type: 'BranchesMerged', data: { mergerId: 'g', sourceBranchIds: ['b3', 'b4'], intoBranchId: 'b4', intoNewBranch: false } } as OrganisationEvent;
    expect(placedWhereClosed([merger], s, '2025-03-01')).toEqual([moved('b3', 'x1', 'x2'), merger]);
  });

  it('then the fold shows it closed where it stood, on every day after the move', () => {
    const after = placedWhereClosed([dissolved('b3')], s, '2025-03-01').reduce((st, e) => evolveStructure(st, { ...e, metadata: { effectiveDate: '2025-03-01' } }), s);
    expect(after.branches.get('b3')).toMatchObject({ parentUnitId: 'x2', status: 'dissolved', closedOn: '2025-03-01' });
    expect(after.branchesOf.get('x1')?.has('b3')).toBe(false);
  });
});
