import { RuleViolation } from '@register/event-sourcing';
import { OrganisationEvent } from '@register/contracts';
import { checkDated } from './dated-changes';
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
