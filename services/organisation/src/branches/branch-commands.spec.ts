import { ConflictError, deciderSpecification, NotFoundError, RuleViolation, WrongExpectedRevisionError } from '@register/event-sourcing';
import { structureDecider } from '../testing/structure-decider';
import { aDistrict, branch, unit } from '../domain/fixtures';

const spec = deciderSpecification(structureDecider);
const rule = (name: string) => (e: RuleViolation) => e.rule === name;

describe('branches', () => {
  it('establishes a residential branch in its hamlet', () =>
    spec
      .given(aDistrict)
      .when({ type: 'EstablishBranch', branchId: 'b3', parentUnitId: 'tp', name: 'Chi đoàn thôn Thông Thụ', area: { kind: 'hamlet', name: 'Thông Thụ' } })
      .then([branch('b3', 'tp', 'Chi đoàn thôn Thông Thụ', { kind: 'hamlet', name: 'Thông Thụ' })]));

  it('refuses a second active branch with the same name in one unit', () =>
    spec
      .given(aDistrict)
      .when({ type: 'EstablishBranch', branchId: 'b3', parentUnitId: 'tp', name: 'chi đoàn bản na ca', area: null })
      .thenThrows(ConflictError, (e) => e.rule === 'branch-name-taken'));

  it('checks If-Match against the parent unit as read (its ETag), the new branch having no version yet (a probe was refused against a revision no read gives)', () => {
    spec
      .given(aDistrict)
      .when({ type: 'EstablishBranch', branchId: 'b3', parentUnitId: 'tp', name: 'Chi đoàn thôn Thông Thụ', area: null, parentIfVersion: 1 })
      .then([branch('b3', 'tp', 'Chi đoàn thôn Thông Thụ', null)]);
    spec.given(aDistrict).when({ type: 'EstablishBranch', branchId: 'b3', parentUnitId: 'tp', name: 'Chi đoàn thôn Thông Thụ', area: null, parentIfVersion: 7 }).thenThrows(WrongExpectedRevisionError);
  });

  it('refuses a branch under a dissolved unit', () =>
    spec
      .given([...aDistrict, unit('x', 'grassroots', 'qp'), { type: 'UnitDissolved', data: { unitId: 'x' } }])
      .when({ type: 'EstablishBranch', branchId: 'b3', parentUnitId: 'x', name: 'n', area: null })
      .thenThrows(RuleViolation, rule('parent-unit-dissolved')));

  it('moves a branch to another unit', () =>
    spec
      .given([...aDistrict, unit('cp', 'grassroots', 'qp')])
      .when({ type: 'MoveBranch', branchId: 'b1', toUnitId: 'cp' })
      .then([{ type: 'BranchMoved', data: { branchId: 'b1', fromUnitId: 'tp', toUnitId: 'cp' } }]));

  it('dissolves an active branch, and refuses to dissolve it twice', () => {
    spec.given(aDistrict).when({ type: 'DissolveBranch', branchId: 'b1' }).then([{ type: 'BranchDissolved', data: { branchId: 'b1' } }]);
    spec
      .given([...aDistrict, { type: 'BranchDissolved', data: { branchId: 'b1' } }])
      .when({ type: 'DissolveBranch', branchId: 'b1' })
      .thenThrows(RuleViolation, rule('branch-not-active'));
  });

  it('renames a branch and its area', () =>
    spec
      .given(aDistrict)
      .when({ type: 'RenameBranch', branchId: 'b1', name: 'Chi đoàn bản Na Ca mới', area: { kind: 'village', name: 'Na Ca' } })
      .then([{ type: 'BranchRenamed', data: { branchId: 'b1', name: 'Chi đoàn bản Na Ca mới', previousName: 'Chi đoàn bản Na Ca', area: { kind: 'village', name: 'Na Ca' } } }]));

  it('answers 404 for an unknown branch addressed by a command, 422 for an unknown unit it names', () => {
    spec.given(aDistrict).when({ type: 'RenameBranch', branchId: 'nope', name: 'Chi đoàn mới' }).thenThrows(NotFoundError);
    spec.given(aDistrict).when({ type: 'MoveBranch', branchId: 'b1', toUnitId: 'nowhere' }).thenThrows(RuleViolation, rule('parent-unit-unknown'));
  });
});
