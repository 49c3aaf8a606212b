import { ConflictError, deciderSpecification, NotFoundError, RuleViolation, WrongExpectedRevisionError } from '@register/event-sourcing';
import { structureDecider } from '../testing/structure-decider';
import { aDistrict, unit } from '../domain/fixtures';

const spec = deciderSpecification(structureDecider);
const rule = (name: string) => (e: RuleViolation) => e.rule === name;

describe('units', () => {
  it('establishes the central committee without a parent', () =>
    spec.given([]).when({ type: 'EstablishUnit', unitId: 'tw', kind: 'central', name: 'Trung ương Đoàn', parentId: null }).then([unit('tw', 'central', null, 'Trung ương Đoàn')]));

  it('refuses a central committee with a parent', () =>
    spec.given(aDistrict).when({ type: 'EstablishUnit', unitId: 'x', kind: 'central', name: 'x', parentId: 'tw' }).thenThrows(RuleViolation, rule('central-has-no-parent')));

  it('refuses a second central committee, naming the one there is (409)', () =>
    spec
      .given(aDistrict)
      .when({ type: 'EstablishUnit', unitId: 'tw2', kind: 'central', name: 'Trung ương Đoàn 2', parentId: null })
      .thenThrows(ConflictError, (e) => e.rule === 'central-committee-exists' && e.details.unitId === 'tw' && e.message.includes('Trung ương Đoàn')));

  it('allows a central committee again once the old one is dissolved', () =>
    spec
      .given([unit('tw', 'central', null), { type: 'UnitDissolved', data: { unitId: 'tw' } }])
      .when({ type: 'EstablishUnit', unitId: 'tw2', kind: 'central', name: 'Trung ương Đoàn', parentId: null })
      .then([unit('tw2', 'central', null, 'Trung ương Đoàn')]));

  it('refuses a unit without a parent', () =>
    spec.given([]).when({ type: 'EstablishUnit', unitId: 'na', kind: 'province', name: 'Nghệ An', parentId: null }).thenThrows(RuleViolation, rule('parent-unit-required')));

  it('refuses an unknown parent', () =>
    spec.given([]).when({ type: 'EstablishUnit', unitId: 'na', kind: 'province', name: 'Nghệ An', parentId: 'nowhere' }).thenThrows(RuleViolation, rule('parent-unit-unknown')));

  it('refuses a unit id used before', () =>
    spec.given(aDistrict).when({ type: 'EstablishUnit', unitId: 'tp', kind: 'grassroots', name: 'again', parentId: 'qp' }).thenThrows(ConflictError, (e) => e.rule === 'unit-id-taken'));

  it('refuses a province under a district', () =>
    spec.given(aDistrict).when({ type: 'EstablishUnit', unitId: 'p2', kind: 'province', name: 'x', parentId: 'qp' }).thenThrows(RuleViolation, rule('unit-kind-order')));

  it('takes a second unit of a name under one parent (a register shared by many callers names provinces alike; kept apart by id)', () =>
    spec.given(aDistrict).when({ type: 'EstablishUnit', unitId: 'tp2', kind: 'grassroots', name: 'Đoàn xã Tiền Phong', parentId: 'qp' }).then([unit('tp2', 'grassroots', 'qp', 'Đoàn xã Tiền Phong')]));

  it('allows a grassroots sub-union under a grassroots union', () =>
    spec.given(aDistrict).when({ type: 'EstablishUnit', unitId: 'g2', kind: 'grassroots', name: 'Đoàn bộ phận', parentId: 'tp' }).then([unit('g2', 'grassroots', 'tp', 'Đoàn bộ phận')]));

  it('refuses a unit under a dissolved parent', () =>
    spec
      .given([...aDistrict, unit('qc', 'district', 'na'), { type: 'UnitDissolved', data: { unitId: 'qc' } }])
      .when({ type: 'EstablishUnit', unitId: 'g9', kind: 'grassroots', name: 'x', parentId: 'qc' })
      .thenThrows(RuleViolation, rule('parent-unit-dissolved')));

  it('renames a unit, keeping the previous name in the fact', () =>
    spec.given(aDistrict).when({ type: 'RenameUnit', unitId: 'tp', name: 'Đoàn xã Tiền Phong mới' }).then([{ type: 'UnitRenamed', data: { unitId: 'tp', name: 'Đoàn xã Tiền Phong mới', previousName: 'Đoàn xã Tiền Phong' } }]));

  it('moves a commune union under the province when its district is abolished', () =>
    spec.given(aDistrict).when({ type: 'MoveUnit', unitId: 'tp', toParentId: 'na' }).then([{ type: 'UnitMoved', data: { unitId: 'tp', fromParentId: 'qp', toParentId: 'na' } }]));

  it('refuses to move a unit under its own descendant', () =>
    spec.given(aDistrict).when({ type: 'MoveUnit', unitId: 'qp', toParentId: 'tp' }).thenThrows(RuleViolation, rule('unit-move-into-own-subtree')));

  it('refuses to move a unit under itself', () =>
    spec.given(aDistrict).when({ type: 'MoveUnit', unitId: 'qp', toParentId: 'qp' }).thenThrows(RuleViolation, rule('unit-move-into-own-subtree')));

  it('treats a move to the current parent as nothing new', () => spec.given(aDistrict).when({ type: 'MoveUnit', unitId: 'tp', toParentId: 'qp' }).thenNothingHappens());

  it('refuses to dissolve a unit that still has active children', () =>
    spec.given(aDistrict).when({ type: 'DissolveUnit', unitId: 'qp' }).thenThrows(RuleViolation, rule('unit-has-active-children')));

  it('dissolves a district once its communes have moved away', () =>
    spec
      .given([...aDistrict, { type: 'UnitMoved', data: { unitId: 'tp', fromParentId: 'qp', toParentId: 'na' } }])
      .when({ type: 'DissolveUnit', unitId: 'qp' })
      .then([{ type: 'UnitDissolved', data: { unitId: 'qp' } }]));

  it('… once they had moved away by its day: a commune still under it then makes a dissolution dated that day unit-has-active-children', () => {
    const movedLater = [...aDistrict, { type: 'UnitMoved' as const, data: { unitId: 'tp', fromParentId: 'qp', toParentId: 'na' } }];
    spec.given(movedLater).when({ type: 'DissolveUnit', unitId: 'qp', openOnTheDay: { on: '2024-01-01', unitIds: ['tp'], branchIds: [] } }).thenThrows(RuleViolation, (e: RuleViolation) => e.rule === 'unit-has-active-children' && e.message.includes('on 2024-01-01'));
    spec.given(movedLater).when({ type: 'DissolveUnit', unitId: 'qp', openOnTheDay: { on: '2025-01-01', unitIds: [], branchIds: [] } }).then([{ type: 'UnitDissolved', data: { unitId: 'qp' } }]);
  });

  it('refuses to change a dissolved unit', () =>
    spec
      .given([...aDistrict, unit('qc', 'district', 'na'), { type: 'UnitDissolved', data: { unitId: 'qc' } }])
      .when({ type: 'RenameUnit', unitId: 'qc', name: 'x' })
      .thenThrows(RuleViolation, rule('unit-dissolved')));

  it('refuses a change made against an old version (If-Match)', () =>
    spec.given(aDistrict).when({ type: 'RenameUnit', unitId: 'tp', name: 'x', ifVersion: 7 }).thenThrows(WrongExpectedRevisionError));

  it('answers 404 for an unknown unit addressed by a command', () =>
    spec.given(aDistrict).when({ type: 'DissolveUnit', unitId: 'nope' }).thenThrows(NotFoundError));

});
