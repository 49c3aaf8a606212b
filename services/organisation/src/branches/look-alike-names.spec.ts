import { ConflictError, deciderSpecification, RuleViolation } from '@register/event-sourcing';
import { structureDecider } from '../testing/structure-decider';
import { aDistrict, branch } from '../domain/fixtures';

const spec = deciderSpecification(structureDecider);
const original = 'Chi đoàn thôn Đồng Văn';
const withOriginal = [...aDistrict, branch('dv', 'tp', original)];
const nameTaken = (e: ConflictError) => e.rule === 'branch-name-taken';
const cyrillicC = '\u0421hi đoàn thôn Đồng Văn';

describe('a branch named like a sibling with look-alike letters', () => {
  it.each([
    ['a Cyrillic С for the Latin C', cyrillicC],
    ['a Cyrillic о for the Latin o', 'Chi đ\u043eàn thôn Đồng Văn'],
    ['fullwidth letters', 'Ｃｈｉ đoàn thôn Đồng Văn'],
    ['a caron typed for the breve', 'Chi đoàn thôn Đồng V\u01cen'],
    ['capitals', 'CHI ĐOÀN THÔN ĐỒNG VĂN'],
  ])('is refused when established with %s', (_, name) =>
    spec.given(withOriginal).when({ type: 'EstablishBranch', branchId: 'b9', parentUnitId: 'tp', name, area: null }).thenThrows(ConflictError, nameTaken));

  it('is refused when a sibling is renamed to it', () =>
    spec.given(withOriginal).when({ type: 'RenameBranch', branchId: 'b1', name: cyrillicC }).thenThrows(ConflictError, nameTaken));

  it('is refused when moved next to it', () =>
    spec
      .given([...withOriginal, branch('x', 'qp', cyrillicC)])
      .when({ type: 'MoveBranch', branchId: 'x', toUnitId: 'tp' })
      .thenThrows(ConflictError, nameTaken));

  it('is refused as the new branch of a merger', () =>
    spec
      .given(withOriginal)
      .when({ type: 'MergeBranches', mergerId: 'm', sourceBranchIds: ['b1', 'b2'], into: { newBranchId: 'n', name: cyrillicC, area: null } })
      .thenThrows(ConflictError, nameTaken));

  it('is refused as a part of a split, against siblings and against the other part', () => {
    const part = (branchId: string, name: string) => ({ branchId, name, area: null, memberIds: [`${branchId}-m`] });
    spec
      .given(withOriginal)
      .when({ type: 'SplitBranch', splitId: 's', sourceBranchId: 'b1', parts: [part('s1', cyrillicC), part('s2', 'Chi đoàn xóm 2')], knownMemberIds: ['s1-m', 's2-m'] })
      .thenThrows(ConflictError, nameTaken);
    spec
      .given(withOriginal)
      .when({ type: 'SplitBranch', splitId: 's', sourceBranchId: 'b1', parts: [part('s1', 'Chi đoàn xóm Mới'), part('s2', 'Chi đoàn xóm Mớі')], knownMemberIds: ['s1-m', 's2-m'] })
      .thenThrows(RuleViolation, (e) => e.rule === 'split-parts-share-a-name');
  });

  it('is refused against a name stored before the rule, itself written with a look-alike', () =>
    spec
      .given([...aDistrict, branch('old', 'tp', cyrillicC)])
      .when({ type: 'EstablishBranch', branchId: 'b9', parentUnitId: 'tp', name: original, area: null })
      .thenThrows(ConflictError, nameTaken));
});

describe('names that differ in Vietnamese diacritics', () => {
  it('are different branches', () =>
    spec
      .given(withOriginal)
      .when({ type: 'EstablishBranch', branchId: 'b9', parentUnitId: 'tp', name: 'Chi đoàn thôn Đông Văn', area: null })
      .then([branch('b9', 'tp', 'Chi đoàn thôn Đông Văn', null)]));
});
