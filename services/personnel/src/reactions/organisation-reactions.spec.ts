import { fold } from '@register/event-sourcing';
import { branchOfficersDecider } from '../testing/officers-decider';
import { admitted, appointed, huong } from '../domain/fixtures';
import { memberDecider } from '../testing/member-decider';
import { BranchReplica } from '../application/branch-replica';
import { OrganisationFact, PeopleView, planReactions, reactionCommandId } from './organisation-reactions';

const people = (members: Record<string, string[]>, officers: Record<string, string[]>, former: Record<string, string[]> = {}, residents: Record<string, string[]> = {}): PeopleView => ({
  membersOf: (b) => members[b] ?? [],
  formerMembersOf: (b) => former[b] ?? [],
  leftUnionFrom: () => [],
  residentsOf: (b) => residents[b] ?? [],
  officersOf: (b) => (officers[b] ?? []).map((memberId) => ({ memberId })),
});
const fact = (type: string, data: unknown, eventId = 'e1'): OrganisationFact => ({ eventId, type, data, metadata: { effectiveDate: '2025-07-01', reason: 'sáp nhập thôn' } });

describe('reactions to organisation events', () => {
  const threeIntoOne = fact('BranchesMerged', { mergerId: 'g1', sourceBranchIds: ['b2', 'b3'], intoBranchId: 'b1', intoNewBranch: false });
  const view = people({ b1: ['m1'], b2: ['m2', 'm3'], b3: ['m4'] }, { b1: ['m1'], b2: ['m2'], b3: ['m4'] });

  it('a merger moves the members of each absorbed branch to the successor, idempotently by event and member', () => {
    const moves = planReactions(threeIntoOne, view).filter((p) => p.aggregate === 'member');
    expect(moves.map((p) => p.command)).toEqual(
      ['m2', 'm3', 'm4'].map((memberId) => ({
        type: 'TransferMember',
        memberId,
        fromBranchId: memberId === 'm4' ? 'b3' : 'b2',
        toBranchId: 'b1',
        toBranchStatus: 'active',
        transferredOn: '2025-07-01',
        cause: 'merger',
      })),
    );
    expect(moves.map((p) => p.commandId)).toEqual(['m2', 'm3', 'm4'].map((m) => `personnel.org-reactions:e1:${m}`));
  });

  it('a merger restates the past of the members who left an absorbed branch: the decider finds whether they left after its day', () => {
    const plans = planReactions(threeIntoOne, people({ b2: ['m2'] }, {}, { b2: ['m5'], b1: ['m6'] }));
    expect(plans.map((p) => p.command)).toEqual([
      expect.objectContaining({ type: 'TransferMember', memberId: 'm2' }),
      { type: 'MoveMemberForPeriod', memberId: 'm5', fromBranchId: 'b2', toBranchId: 'b1', on: '2025-07-01', cause: 'merger' },
    ]);
    expect(plans[1].commandId).toBe(reactionCommandId('e1', 'm5'));
  });

  it('a member affiliated where they live to an absorbed branch is affiliated to the successor; to a split or dissolved one, to none; one whose home moves into where they live, to none (found by a black-box probe)', () => {
    const affiliations = (f: OrganisationFact, residents: Record<string, string[]>, members: Record<string, string[]> = {}) =>
      planReactions(f, people(members, {}, {}, residents)).flatMap((p) => (p.command.type === 'SetResidentialAffiliation' ? [[p.command.memberId, p.command.branchId, p.commandId]] : []));
    // m8 lives in b1 and moves home there from b2; m9 lives in b1 too, with a home the merger leaves alone: nothing to ask of them.
    expect(affiliations(threeIntoOne, { b2: ['m7'], b1: ['m8', 'm9'] }, { b2: ['m8'] })).toEqual([['m7', 'b1', reactionCommandId('e1', 'm7', 'residence')], ['m8', 'b1', reactionCommandId('e1', 'm8', 'residence')]]);
    expect(affiliations(fact('BranchSplit', { splitId: 's1', sourceBranchId: 'b2', parts: [] }), { b2: ['m7'] })).toEqual([['m7', null, reactionCommandId('e1', 'm7', 'residence')]]);
    expect(affiliations(fact('BranchDissolved', { branchId: 'b2' }), { b2: ['m7'] })).toEqual([['m7', null, reactionCommandId('e1', 'm7', 'residence')]]);
  });

  it("a split restates the past of a listed member who has left the branch since; those still in it move", () => {
    const split = fact('BranchSplit', { splitId: 's1', sourceBranchId: 'b2', parts: [{ branchId: 'n1', memberIds: ['m2', 'm5'] }] });
    const plans = planReactions(split, people({ b2: ['m2'] }, {}, { b2: ['m5'] }));
    expect(plans.map((p) => [p.command.type, p.command.memberId, 'toBranchId' in p.command ? p.command.toBranchId : null])).toEqual([
      ['TransferMember', 'm2', 'n1'],
      ['MoveMemberForPeriod', 'm5', 'n1'],
    ]);
  });

  it("a merger ends the absorbed branches' officers on the effective date; the successor's stay", () => {
    const departures = planReactions(threeIntoOne, view).filter((p) => p.aggregate === 'branch-officers');
    expect(departures.map((p) => p.command)).toEqual([
      { type: 'DepartOfficer', branchId: 'b2', memberId: 'm2', endsOn: '2025-07-01', cause: 'merger', ifHeld: true },
      { type: 'DepartOfficer', branchId: 'b3', memberId: 'm4', endsOn: '2025-07-01', cause: 'merger', ifHeld: true },
    ]);
    expect(departures.map((p) => p.commandId)).toEqual([reactionCommandId('e1', 'm2', 'departure'), reactionCommandId('e1', 'm4', 'departure')]);
  });

  it('a merger into a new branch leaves its posts vacant: nothing is appointed', () => {
    const plans = planReactions(fact('BranchesMerged', { mergerId: 'g1', sourceBranchIds: ['b2', 'b3'], intoBranchId: 'n1', intoNewBranch: true }), view);
    expect(plans.every((p) => p.command.type !== 'DepartOfficer' || p.command.branchId !== 'n1')).toBe(true);
    expect(plans.filter((p) => p.aggregate === 'member').every((p) => p.command.type === 'TransferMember' && p.command.toBranchId === 'n1')).toBe(true);
  });

  it("a split moves members by its lists, unassigns those on no list, and ends the source's posts", () => {
    const split = fact('BranchSplit', { splitId: 's1', sourceBranchId: 'b2', parts: [{ branchId: 'n1', memberIds: ['m2'] }, { branchId: 'n2', memberIds: [] }] });
    const plans = planReactions(split, view);
    expect(plans.map((p) => p.command)).toEqual([
      { type: 'TransferMember', memberId: 'm2', fromBranchId: 'b2', toBranchId: 'n1', toBranchStatus: 'active', transferredOn: '2025-07-01', cause: 'split' },
      { type: 'MarkUnassigned', memberId: 'm3', fromBranchId: 'b2', on: '2025-07-01' },
      { type: 'DepartOfficer', branchId: 'b2', memberId: 'm2', endsOn: '2025-07-01', cause: 'split', ifHeld: true },
    ]);
  });

  it("a dissolved branch's members become unassigned and its officers leave", () => {
    const plans = planReactions(fact('BranchDissolved', { branchId: 'b3' }), view);
    expect(plans.map((p) => p.command)).toEqual([
      { type: 'MarkUnassigned', memberId: 'm4', fromBranchId: 'b3', on: '2025-07-01' },
      { type: 'DepartOfficer', branchId: 'b3', memberId: 'm4', endsOn: '2025-07-01', cause: 'dissolution', ifHeld: true },
    ]);
  });

  it('other organisation events need no command', () => {
    expect(planReactions(fact('BranchRenamed', { branchId: 'b1', name: 'x', previousName: 'y', area: null }), view)).toEqual([]);
    expect(planReactions(fact('UnitEstablished', { unitId: 'u', kind: 'district', name: 'x', parentId: null }), view)).toEqual([]);
  });

  it('the planned commands, decided, move the member with history and end the post', () => {
    const [move] = planReactions(threeIntoOne, view);
    const member = fold(memberDecider, [admitted('m2', 'b2', huong)]);
    const events = memberDecider.decide(move.command as never, member);
    const after = events.reduce(memberDecider.evolve, member);
    expect(after.branches.map((b) => [b.branchId, b.since, b.cause])).toEqual([
      ['b2', '2020-03-26', 'admission'],
      ['b1', '2025-07-01', 'merger'],
    ]);
    const officers = fold(branchOfficersDecider, [{ ...appointed('m2'), data: { ...appointed('m2').data, branchId: 'b2' } }]);
    const departure = planReactions(threeIntoOne, view).find((p) => p.aggregate === 'branch-officers')!;
    const ended = branchOfficersDecider.decide(departure.command as never, officers).reduce(branchOfficersDecider.evolve, officers);
    expect(ended.current).toEqual([]);
    expect(ended.history[0]).toMatchObject({ memberId: 'm2', endsOn: '2025-07-01', cause: 'merger' });
  });
});

describe('branch replica', () => {
  it('knows branches from organisation events: established, merged away, split, dissolved', () => {
    const r = new BranchReplica();
    for (const id of ['b1', 'b2', 'b3', 'b4']) r.apply({ type: 'BranchEstablished', data: { branchId: id, parentUnitId: 'u', name: id, area: null, predecessorIds: [] } });
    r.apply({ type: 'BranchesMerged', data: { mergerId: 'g', sourceBranchIds: ['b2'], intoBranchId: 'b1', intoNewBranch: false } });
    r.apply({ type: 'BranchSplit', data: { splitId: 's', sourceBranchId: 'b3', parts: [] } });
    r.apply({ type: 'BranchDissolved', data: { branchId: 'b4' } });
    expect(['b1', 'b2', 'b3', 'b4', 'b5'].map((b) => r.statusOf(b))).toEqual(['active', 'closed', 'closed', 'closed', 'unknown']);
  });
});
