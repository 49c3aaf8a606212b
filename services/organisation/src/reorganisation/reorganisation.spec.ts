import { ConflictError, deciderSpecification, RuleViolation, WrongExpectedRevisionError } from '@register/event-sourcing';
import { fold } from '@register/event-sourcing';
import { OrganisationEvent } from '@register/contracts';
import { structureDecider } from '../testing/structure-decider';
import { aDistrict, branch } from '../domain/fixtures';
import { PeopleFacts } from '../people/people-replica';
import { planReorganisation } from './dry-run';
import { decideSplit, SplitBranch, SplitPart } from './split-branch';

const spec = deciderSpecification(structureDecider);
const rule = (name: string) => (e: RuleViolation) => e.rule === name;
const threeHamlets = [...aDistrict, branch('b3', 'tp', 'Chi đoàn bản Pà Cọ')];

describe('mergers', () => {
  it('absorbs branches into an existing branch', () =>
    spec
      .given(threeHamlets)
      .when({ type: 'MergeBranches', mergerId: 'm1', sourceBranchIds: ['b2', 'b3'], into: { branchId: 'b1' } })
      .then([{ type: 'BranchesMerged', data: { mergerId: 'm1', sourceBranchIds: ['b2', 'b3'], intoBranchId: 'b1', intoNewBranch: false } }]));

  it('checks If-Match against the branch merged into, as read (its ETag)', () => {
    spec.given(threeHamlets).when({ type: 'MergeBranches', mergerId: 'm1', sourceBranchIds: ['b2'], into: { branchId: 'b1', ifVersion: 1 } }).then([
      { type: 'BranchesMerged', data: { mergerId: 'm1', sourceBranchIds: ['b2'], intoBranchId: 'b1', intoNewBranch: false } },
    ]);
    spec.given(threeHamlets).when({ type: 'MergeBranches', mergerId: 'm1', sourceBranchIds: ['b2'], into: { branchId: 'b1', ifVersion: 4 } }).thenThrows(WrongExpectedRevisionError);
  });

  it('combines branches into a new branch that lists its predecessors', () =>
    spec
      .given(threeHamlets)
      .when({ type: 'MergeBranches', mergerId: 'm1', sourceBranchIds: ['b1', 'b2'], into: { newBranchId: 'n1', name: 'Chi đoàn bản Na Ca – Huồi Mới', area: { kind: 'village', name: 'Na Ca' } } })
      .then([
        { type: 'BranchEstablished', data: { branchId: 'n1', parentUnitId: 'tp', name: 'Chi đoàn bản Na Ca – Huồi Mới', area: { kind: 'village', name: 'Na Ca' }, predecessorIds: ['b1', 'b2'] } },
        { type: 'BranchesMerged', data: { mergerId: 'm1', sourceBranchIds: ['b1', 'b2'], intoBranchId: 'n1', intoNewBranch: true } },
      ]));

  it('lets the new branch take the name of one of its sources', () =>
    spec
      .given(threeHamlets)
      .when({ type: 'MergeBranches', mergerId: 'm1', sourceBranchIds: ['b1', 'b2'], into: { newBranchId: 'n1', name: 'Chi đoàn bản Na Ca', area: { kind: 'village', name: 'Na Ca' } } })
      .then([
        { type: 'BranchEstablished', data: { branchId: 'n1', parentUnitId: 'tp', name: 'Chi đoàn bản Na Ca', area: { kind: 'village', name: 'Na Ca' }, predecessorIds: ['b1', 'b2'] } },
        { type: 'BranchesMerged', data: { mergerId: 'm1', sourceBranchIds: ['b1', 'b2'], intoBranchId: 'n1', intoNewBranch: true } },
      ]));

  it('refuses to combine residential branches into a new one without an area (successor-area-required): it would drop out of the residential counts', () =>
    spec
      .given(threeHamlets)
      .when({ type: 'MergeBranches', mergerId: 'm1', sourceBranchIds: ['b1', 'b2'], into: { newBranchId: 'n1', name: 'Chi đoàn bản Na Ca', area: null } })
      .thenThrows(RuleViolation, rule('successor-area-required')));

  it('refuses to merge a branch into itself', () =>
    spec.given(threeHamlets).when({ type: 'MergeBranches', mergerId: 'm1', sourceBranchIds: ['b1', 'b2'], into: { branchId: 'b1' } }).thenThrows(RuleViolation, rule('merge-into-itself')));

  it('refuses to merge a dissolved branch', () =>
    spec
      .given([...threeHamlets, { type: 'BranchDissolved', data: { branchId: 'b2' } }])
      .when({ type: 'MergeBranches', mergerId: 'm1', sourceBranchIds: ['b2'], into: { branchId: 'b1' } })
      .thenThrows(RuleViolation, rule('branch-not-active')));

  it('refuses to merge into a branch that was itself merged away', () =>
    spec
      .given([...threeHamlets, { type: 'BranchesMerged', data: { mergerId: 'm0', sourceBranchIds: ['b1'], intoBranchId: 'b3', intoNewBranch: false } }])
      .when({ type: 'MergeBranches', mergerId: 'm1', sourceBranchIds: ['b2'], into: { branchId: 'b1' } })
      .thenThrows(RuleViolation, rule('branch-not-active')));

  it('refuses an empty merger, a repeated source, and a new branch from one source', () => {
    spec.given(threeHamlets).when({ type: 'MergeBranches', mergerId: 'm', sourceBranchIds: [], into: { branchId: 'b1' } }).thenThrows(RuleViolation, rule('merge-needs-a-source'));
    spec.given(threeHamlets).when({ type: 'MergeBranches', mergerId: 'm', sourceBranchIds: ['b2', 'b2'], into: { branchId: 'b1' } }).thenThrows(RuleViolation, rule('merge-sources-repeated'));
    spec
      .given(threeHamlets)
      .when({ type: 'MergeBranches', mergerId: 'm', sourceBranchIds: ['b2'], into: { newBranchId: 'n', name: 'n', area: null } })
      .thenThrows(RuleViolation, rule('merge-needs-two-sources'));
  });

  it('records predecessors on the successor and successors on the sources', () => {
    const merged: OrganisationEvent = { type: 'BranchesMerged', data: { mergerId: 'm1', sourceBranchIds: ['b2', 'b3'], intoBranchId: 'b1', intoNewBranch: false } };
    const s = fold(structureDecider, [...threeHamlets, merged]);
    expect(s.branches.get('b1')).toMatchObject({ status: 'active', predecessorIds: ['b2', 'b3'] });
    expect(s.branches.get('b2')).toMatchObject({ status: 'merged', successorIds: ['b1'] });
  });
});

describe('splits', () => {
  const parts = [
    { branchId: 's1', name: 'Chi đoàn xóm 1', area: null, memberIds: ['m1'] },
    { branchId: 's2', name: 'Chi đoàn xóm 2', area: null, memberIds: ['m2', 'm3'] },
  ];

  it('splits a branch into successors that divide its members', () =>
    spec
      .given(aDistrict)
      .when({ type: 'SplitBranch', splitId: 'x1', sourceBranchId: 'b1', parts, knownMemberIds: ['m1', 'm2', 'm3'] })
      .then([
        { type: 'BranchEstablished', data: { branchId: 's1', parentUnitId: 'tp', name: 'Chi đoàn xóm 1', area: null, predecessorIds: ['b1'] } },
        { type: 'BranchEstablished', data: { branchId: 's2', parentUnitId: 'tp', name: 'Chi đoàn xóm 2', area: null, predecessorIds: ['b1'] } },
        { type: 'BranchSplit', data: { splitId: 'x1', sourceBranchId: 'b1', parts: [{ branchId: 's1', memberIds: ['m1'] }, { branchId: 's2', memberIds: ['m2', 'm3'] }] } },
      ]));

  it('refuses a split into one part, a member in two parts, a stranger, and a taken id', () => {
    spec.given(aDistrict).when({ type: 'SplitBranch', splitId: 'x', sourceBranchId: 'b1', parts: [parts[0]], knownMemberIds: ['m1'] }).thenThrows(RuleViolation, rule('split-needs-two-parts'));
    spec
      .given(aDistrict)
      .when({ type: 'SplitBranch', splitId: 'x', sourceBranchId: 'b1', parts: [parts[0], { ...parts[1], memberIds: ['m1'] }], knownMemberIds: ['m1', 'm2', 'm3'] })
      .thenThrows(RuleViolation, rule('split-member-in-two-parts'));
    spec
      .given(aDistrict)
      .when({ type: 'SplitBranch', splitId: 'x', sourceBranchId: 'b1', parts, knownMemberIds: ['m1'] })
      .thenThrows(RuleViolation, rule('split-member-not-in-branch'));
    spec
      .given(aDistrict)
      .when({ type: 'SplitBranch', splitId: 'x', sourceBranchId: 'b1', parts: [parts[0], { ...parts[1], branchId: 'b2' }], knownMemberIds: ['m1', 'm2', 'm3'] })
      .thenThrows(ConflictError, (e) => e.rule === 'branch-id-taken');
  });

  it('refuses a successor that would get no member (422 empty-successor), naming it', () =>
    spec
      .given(aDistrict)
      .when({ type: 'SplitBranch', splitId: 'x', sourceBranchId: 'b1', parts: [parts[0], { ...parts[1], memberIds: [] }], knownMemberIds: ['m1', 'm2'] })
      .thenThrows(RuleViolation, (e) => e.rule === 'empty-successor' && String(e.details.emptySuccessorIds) === 's2' && e.message.includes('Chi đoàn xóm 2')));

  it('refuses to split a branch with no members known to this service, saying so', () =>
    spec
      .given(aDistrict)
      .when({ type: 'SplitBranch', splitId: 'x', sourceBranchId: 'b1', parts, knownMemberIds: [] })
      .thenThrows(RuleViolation, (e) => e.rule === 'empty-successor' && /no members/.test(e.message)));

  it('accepts a split that leaves some members in no part (the dry run lists them)', () =>
    spec
      .given(aDistrict)
      .when({ type: 'SplitBranch', splitId: 'x', sourceBranchId: 'b1', parts, knownMemberIds: ['m1', 'm2', 'm3', 'm4'] })
      .then([
        { type: 'BranchEstablished', data: { branchId: 's1', parentUnitId: 'tp', name: 'Chi đoàn xóm 1', area: null, predecessorIds: ['b1'] } },
        { type: 'BranchEstablished', data: { branchId: 's2', parentUnitId: 'tp', name: 'Chi đoàn xóm 2', area: null, predecessorIds: ['b1'] } },
        { type: 'BranchSplit', data: { splitId: 'x', sourceBranchId: 'b1', parts: [{ branchId: 's1', memberIds: ['m1'] }, { branchId: 's2', memberIds: ['m2', 'm3'] }] } },
      ]));
});

describe('a split recorded late, of a branch members left after its day', () => {
  const spec = deciderSpecification(structureDecider);
  const part = (branchId: string, memberIds: string[]) => ({ branchId, name: `Chi đoàn ${branchId}`, area: null, memberIds });
  const split = (parts: SplitPart[]): SplitBranch => ({ type: 'SplitBranch', splitId: 'x', sourceBranchId: 'b1', parts, knownMemberIds: ['m1', 'm2'], formerMemberIds: ['m9'] });
  it('takes a member who has moved since in the part that lists them', () => {
    expect(decideSplit(split([part('n1', ['m1']), part('n2', ['m2', 'm9'])]), fold(structureDecider, aDistrict)).map((e) => e.type)).toContain('BranchSplit');
  });
  it('refuses one no part lists, naming them (split-former-member-unlisted): they would stay in the closed branch', () =>
    spec.given(aDistrict).when(split([part('n1', ['m1']), part('n2', ['m2'])])).thenThrows(RuleViolation, (e) => e.rule === 'split-former-member-unlisted' && (e.details as { memberIds: string[] }).memberIds[0] === 'm9'));
});

describe('split dry runs', () => {
  const part = (branchId: string, memberIds: string[]) => ({ branchId, name: `Chi đoàn ${branchId}`, area: null, memberIds });
  const people = (members: string[]): PeopleFacts => ({ membersOf: () => members, memberCount: () => members.length, officersOf: () => [], ratingsOf: () => [], hasSecretary: () => false, leftSince: () => [] });
  const plan = (parts: SplitPart[], members: string[]) =>
    planReorganisation({ type: 'SplitBranch', splitId: 'x', sourceBranchId: 'b1', parts, knownMemberIds: members }, fold(structureDecider, aDistrict), people(members), '2025-01-01');

  it('lists the members left out of every part and the successors that would get no member', () => {
    const p = plan([part('s1', ['m1']), part('s2', []), part('s3', [])], ['m1', 'm2', 'm3']);
    expect({ membersUnassigned: p.membersUnassigned, emptySuccessors: p.emptySuccessors }).toEqual({ membersUnassigned: ['m2', 'm3'], emptySuccessors: ['s2', 's3'] });
    expect(p.wouldBeRefused).toEqual({ status: 422, rule: 'empty-successor', detail: expect.stringContaining('Chi đoàn s2') });
  });

  it('lists nothing for a split that places every member and fills every part', () => {
    const p = plan([part('s1', ['m1']), part('s2', ['m2'])], ['m1', 'm2']);
    expect({ membersUnassigned: p.membersUnassigned, emptySuccessors: p.emptySuccessors, wouldBeRefused: p.wouldBeRefused }).toEqual({ membersUnassigned: [], emptySuccessors: [], wouldBeRefused: null });
  });

  it('lists every part as empty for a branch with no known members, and still refuses what the real run refuses', () => {
    expect(plan([part('s1', []), part('s2', [])], []).emptySuccessors).toEqual(['s1', 's2']);
    expect(() => plan([part('s1', ['m9']), part('s2', [])], ['m1'])).toThrow(RuleViolation);
  });
});
