import * as v8 from 'node:v8';
import { RATING_SUBJECTS } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { SubjectsReplica } from './subjects-replica';

let n = 0;
const event = (on: string, type: string, data: Record<string, unknown>) => ({ type, data, eventId: `e-${n++}`, metadata: { effectiveDate: on } }) as unknown as RecordedEvent;
const organisation = (on: string, type: string, data: Record<string, unknown>) => ({ topic: 'organisation' as const, event: event(on, type, data) });
const personnel = (on: string, type: string, data: Record<string, unknown>) => ({ topic: 'personnel' as const, event: event(on, type, data) });
type Fed = ReturnType<typeof organisation> | ReturnType<typeof personnel>;

/** Each event to the fold of its topic, as the two consumers do. */
const feed = (replica: SubjectsReplica, events: Fed[]) => {
  for (const { topic, event: e } of events) {
    if (topic === 'organisation') replica.applyOrganisation(e);
    else replica.applyPersonnel(e);
  }
};

/** Every answer the replica gives, for these subjects. */
const answers = (replica: SubjectsReplica) => {
  const branches = ['b-1', 'b-2', 'b-3', 'b-4', 'b-x'];
  return {
    spans: RATING_SUBJECTS.map((type) => ['b-1', 'b-2', 'b-3', 'b-4', 'm-1', 'm-2', 'm-3', 'x'].map((id) => replica.spansOf(type, id))),
    branches: branches.map((b) => ({ ancestry: replica.ancestry(b), residential: replica.isResidential(b), known: replica.knowsBranch(b), predecessors: replica.predecessors(b), successorSince: replica.successorSince(b) })),
  };
};

const branch = (branchId: string, parentUnitId: string, area: string | null, predecessorIds: string[] = []) => ({ branchId, parentUnitId, name: branchId, area, predecessorIds });

describe("evaluation's subjects replica kept across a restart (the embedded start's snapshot)", () => {
  it('answers as the replica that read both topics, and stays so as the same events follow', () => {
    // Given a replica fed a tree, branches and their lives, members' stays and officers' posts
    const original = new SubjectsReplica();
    feed(original, [
      organisation('2024-01-01', 'UnitEstablished', { unitId: 'tw', parentId: null }),
      organisation('2024-01-01', 'UnitEstablished', { unitId: 'p', parentId: 'tw' }),
      organisation('2024-01-01', 'UnitEstablished', { unitId: 'c-1', parentId: 'p' }),
      organisation('2024-01-01', 'UnitEstablished', { unitId: 'c-2', parentId: 'tw' }),
      organisation('2024-02-01', 'BranchEstablished', branch('b-1', 'c-1', 'village')),
      organisation('2024-02-01', 'BranchEstablished', branch('b-2', 'c-2', null)),
      organisation('2024-03-01', 'UnitMoved', { unitId: 'c-2', fromParentId: 'tw', toParentId: 'p' }),
      personnel('2024-03-01', 'MemberAdmitted', { memberId: 'm-1', branchId: 'b-1', admittedOn: '2024-03-01', personal: null }),
      personnel('2024-03-01', 'MemberAdmitted', { memberId: 'm-2', branchId: 'b-2', admittedOn: '2024-03-01', personal: null }),
      personnel('2024-04-01', 'MemberTransferred', { memberId: 'm-2', fromBranchId: 'b-2', toBranchId: 'b-1', transferredOn: '2024-04-01', duesSettledUpTo: '2024-04-01', cause: 'transfer' }),
      personnel('2024-05-01', 'OfficerAppointed', { memberId: 'm-1', branchId: 'b-1', role: 'secretary', method: 'appointed', startsOn: '2024-05-01', source: 'teacher' }),
      personnel('2024-05-01', 'OfficerAppointed', { memberId: 'm-1', branchId: 'b-2', role: 'deputy-secretary', method: 'appointed', startsOn: '2024-05-01', source: 'teacher' }),
      organisation('2024-06-01', 'BranchRenamed', { branchId: 'b-2', name: 'Thôn 2', previousName: 'b-2', area: 'village' }),
    ]);

    // When its state goes through v8 and into a fresh replica
    const restored = new SubjectsReplica();
    restored.restoreState(v8.deserialize(v8.serialize(original.snapshotState())));

    // Then it answers as the original does
    expect(answers(restored)).toEqual(answers(original));

    // And both stay equal as the same events follow: a merger into a new branch, a post ended, a member leaving and coming back, a split
    const later = [
      organisation('2025-01-01', 'BranchesMerged', { mergerId: 'g-1', sourceBranchIds: ['b-1', 'b-2'], intoBranchId: 'b-3', intoNewBranch: true }),
      organisation('2025-01-01', 'BranchEstablished', branch('b-3', 'c-2', 'village', ['b-1', 'b-2'])),
      personnel('2025-01-01', 'OfficerDeparted', { memberId: 'm-1', branchId: 'b-2', role: 'deputy-secretary', endsOn: '2025-01-01', cause: 'merger' }),
      personnel('2025-02-01', 'MemberStatusChanged', { memberId: 'm-2', branchId: 'b-1', status: 'left', previousStatus: 'active', changedOn: '2025-02-01' }),
      personnel('2025-03-01', 'MemberStatusChanged', { memberId: 'm-2', branchId: 'b-3', status: 'active', previousStatus: 'left', changedOn: '2025-03-01' }),
      organisation('2025-04-01', 'BranchSplit', { splitId: 's-1', sourceBranchId: 'b-3', parts: [{ branchId: 'b-4', memberIds: [] }] }),
      organisation('2025-04-01', 'BranchEstablished', branch('b-4', 'c-1', null, ['b-3'])),
      organisation('2025-05-01', 'BranchMoved', { branchId: 'b-4', fromUnitId: 'c-1', toUnitId: 'c-2' }),
    ];
    feed(original, later);
    feed(restored, later);
    expect(answers(restored)).toEqual(answers(original));
    expect([restored.predecessors('b-4'), restored.ancestry('b-4'), restored.spansOf('member', 'm-2').length]).toEqual([['b-3', 'b-1', 'b-2'], ['c-2', 'p', 'tw'], 3]);
    expect(['b-1', 'b-3', 'b-4'].map((b) => restored.successorSince(b))).toEqual([null, '2025-01-01', '2025-04-01']);
  });

  it('ends an officer\'s post earlier when a departure before the merger that ended it is recorded after it', () => {
    const replica = new SubjectsReplica();
    feed(replica, [
      personnel('2024-03-01', 'OfficerAppointed', { memberId: 'm-1', branchId: 'b-1', role: 'secretary', startsOn: '2024-03-01' }),
      personnel('2025-06-01', 'OfficerDeparted', { memberId: 'm-1', branchId: 'b-1', role: 'secretary', endsOn: '2025-06-01', cause: 'merger' }),
      personnel('2025-04-10', 'OfficerDepartureBroughtForward', { memberId: 'm-1', branchId: 'b-1', role: 'secretary', endsOn: '2025-04-10', previousEndsOn: '2025-06-01', cause: 'resigned' }),
    ]);
    expect(replica.spansOf('officer', 'm-1').map((s) => [s.branchId, s.from, s.to])).toEqual([['b-1', '2024-03-01', '2025-04-10']]);
  });

  it('tells a branch made by a merger from one that absorbed others (which keeps its own cycle)', () => {
    const replica = new SubjectsReplica();
    feed(replica, [
      organisation('2020-01-01', 'BranchEstablished', branch('a-1', 'c-1', 'hamlet')),
      organisation('2020-01-01', 'BranchEstablished', branch('a-2', 'c-1', 'hamlet')),
      organisation('2024-07-01', 'BranchesMerged', { mergerId: 'g-2', sourceBranchIds: ['a-2'], intoBranchId: 'a-1', intoNewBranch: false }),
    ]);
    expect([replica.successorSince('a-1'), replica.predecessors('a-1')]).toEqual([null, ['a-2']]);
  });

  it('names the branches moved under a unit since, by their own move or their commune\'s, and keeps them across a snapshot', () => {
    const replica = new SubjectsReplica();
    feed(replica, [
      organisation('2020-01-01', 'UnitEstablished', { unitId: 'p', kind: 'province', name: 'p', parentId: null }),
      ...['c-1', 'c-2', 'c-3'].map((id) => organisation('2020-01-01', 'UnitEstablished', { unitId: id, kind: 'grassroots', name: id, parentId: 'p' })),
      organisation('2020-01-01', 'BranchEstablished', branch('a-1', 'c-1', 'hamlet')),
      organisation('2020-01-01', 'BranchEstablished', branch('a-2', 'c-2', 'hamlet')),
      organisation('2020-01-01', 'BranchEstablished', branch('a-3', 'c-3', 'hamlet')),
    ]);
    expect(replica.branchesMovedUnder('c-1', '2026-01-01')).toEqual([]);
    feed(replica, [
      organisation('2025-07-01', 'BranchMoved', { branchId: 'a-2', fromUnitId: 'c-2', toUnitId: 'c-1' }),
      organisation('2025-07-01', 'UnitMoved', { unitId: 'c-3', fromParentId: 'p', toParentId: 'c-1' }),
    ]);
    const restored = new SubjectsReplica();
    restored.restoreState(v8.deserialize(v8.serialize(replica.snapshotState())));
    const sorted = (ids: string[]) => [...ids].sort();
    for (const r of [replica, restored]) {
      expect([sorted(r.branchesMovedUnder('c-1', '2026-01-01')), r.branchesMovedUnder('c-2', '2026-01-01'), sorted(r.branchesMovedUnder('p', '2026-01-01')), r.branchesMovedUnder('c-3', '2026-01-01')]).toEqual([['a-2', 'a-3'], [], ['a-2', 'a-3'], ['a-3']]);
      // Before the moves took effect they are where they were (a probe saw a move dated later listed at once).
      expect([r.branchesMovedUnder('c-1', '2025-06-30'), r.branchesMovedUnder('c-2', '2025-06-30')]).toEqual([[], ['a-2']]);
    }
  });

  it('says whether a branch stood by a day, as known at an instant (a merger read before it took effect, or before it was recorded, shows no successor)', () => {
    const replica = new SubjectsReplica();
    const established = organisation('2025-03-01', 'BranchEstablished', { ...branch('b-12', 'c-1', 'hamlet'), predecessorIds: ['b-1'] });
    const recordedAt = Date.parse('2026-12-06T08:26:15.119Z');
    feed(replica, [{ ...established, event: { ...established.event, recordedAt: new Date(recordedAt).toISOString() } }]);
    expect([
      replica.branchStoodBy('b-12', { kind: 'date', date: '2025-02-28' }),
      replica.branchStoodBy('b-12', { kind: 'date', date: '2025-03-01' }),
      replica.branchStoodBy('b-12', { kind: 'date', date: '2025-03-01', knownAt: new Date(recordedAt - 1) }),
      replica.branchStoodBy('b-12', { kind: 'date', date: '2025-03-01', knownAt: new Date(recordedAt) }),
      replica.branchStoodBy('b-x', { kind: 'date', date: '2025-03-01' }),
    ]).toEqual([false, true, false, true, false]);
  });

  it('names the units merged into a unit from the day the merger took effect, and keeps the days across a snapshot', () => {
    const replica = new SubjectsReplica();
    feed(replica, [
      organisation('2020-01-01', 'UnitEstablished', { unitId: 'p', kind: 'province', name: 'p', parentId: null }),
      ...['c-1', 'c-2'].map((id) => organisation('2020-01-01', 'UnitEstablished', { unitId: id, kind: 'grassroots', name: id, parentId: 'p' })),
      organisation('2027-01-01', 'UnitsMerged', { mergerId: 'um', sourceUnitIds: ['c-2'], intoUnitId: 'c-1', intoNewUnit: false }),
    ]);
    const restored = new SubjectsReplica();
    restored.restoreState(v8.deserialize(v8.serialize(replica.snapshotState())));
    for (const r of [replica, restored]) expect([r.unitsMergedInto('c-1', '2026-12-06'), r.unitsMergedInto('c-1', '2027-01-01')]).toEqual([[], ['c-2']]);
    // Who holds what a unit held, and when a unit closed, by a day.
    feed(replica, [organisation('2025-05-01', 'UnitDissolved', { unitId: 'p' })]);
    expect([replica.withSuccessors(['c-2', 'p'], '2026-12-06'), replica.withSuccessors(['c-2', 'p'], '2027-01-01'), replica.unitClosedBy('c-2', '2026-12-06'), replica.unitClosedBy('c-2', '2027-01-01'), replica.unitClosedBy('p', '2025-05-01'), replica.unitClosedBy('c-1', '2030-01-01')]).toEqual([
      ['c-2', 'p'],
      ['c-2', 'p', 'c-1'],
      undefined,
      '2027-01-01',
      '2025-05-01',
      undefined,
    ]);
  });

  it("answers a branch's units on a past day as recorded now, a move recorded late included, and keeps them across a snapshot", () => {
    const replica = new SubjectsReplica();
    feed(replica, [
      organisation('2024-01-01', 'UnitEstablished', { unitId: 'tw', kind: 'central', name: 'tw', parentId: null }),
      ...['p1', 'p2'].map((id) => organisation('2024-01-01', 'UnitEstablished', { unitId: id, kind: 'province', name: id, parentId: 'tw' })),
      organisation('2024-01-01', 'UnitEstablished', { unitId: 'cA', kind: 'grassroots', name: 'cA', parentId: 'p1' }),
      organisation('2024-01-01', 'BranchEstablished', branch('bA', 'cA', 'hamlet')),
      organisation('2025-11-01', 'BranchEstablished', branch('bNew', 'cA', 'hamlet')),
      // recorded later, dated earlier: cA's branches go to cAB under p2 from 1 July 2025
      organisation('2025-07-01', 'UnitEstablished', { unitId: 'cAB', kind: 'grassroots', name: 'cAB', parentId: 'p2' }),
      organisation('2025-07-01', 'BranchMoved', { branchId: 'bA', fromUnitId: 'cA', toUnitId: 'cAB' }),
      organisation('2025-07-01', 'BranchMoved', { branchId: 'bNew', fromUnitId: 'cA', toUnitId: 'cAB' }),
    ]);
    const restored = new SubjectsReplica();
    restored.restoreState(v8.deserialize(v8.serialize(replica.snapshotState())));
    for (const r of [replica, restored]) {
      expect([r.ancestryOn('bA', '2025-03-26'), r.ancestryOn('bA', '2025-08-01'), r.ancestry('bA')]).toEqual([['cA', 'p1', 'tw'], ['cAB', 'p2', 'tw'], ['cAB', 'p2', 'tw']]);
      // made after the merger's day under the closed commune: under the successor from its first day
      expect(r.ancestryOn('bNew', '2025-12-01')).toEqual(['cAB', 'p2', 'tw']);
    }
    // A snapshot written before the places were kept: today's places, as before.
    const { placements: _, ...older } = replica.snapshotState();
    const old = new SubjectsReplica();
    old.restoreState(v8.deserialize(v8.serialize(older)));
    expect(old.ancestryOn('bA', '2025-03-26')).toEqual(['cAB', 'p2', 'tw']);
  });

  it("a merger recorded late cuts a member's stay in the closed branch: the days between are the successor's, where they went after stays", () => {
    const replica = new SubjectsReplica();
    feed(replica, [
      personnel('2025-02-01', 'MemberAdmitted', { memberId: 'm-9', branchId: 'b-1', admittedOn: '2025-02-01' }),
      personnel('2025-09-01', 'MemberTransferred', { memberId: 'm-9', fromBranchId: 'b-1', toBranchId: 'b-2', transferredOn: '2025-09-01' }),
      personnel('2025-07-01', 'MemberMovedForPeriod', { memberId: 'm-9', fromBranchId: 'b-1', toBranchId: 'b-3', movedOn: '2025-07-01', until: '2025-09-01', cause: 'merger' }),
    ]);
    expect(replica.spansOf('member', 'm-9')).toEqual([
      { branchId: 'b-1', from: '2025-02-01', to: '2025-07-01' },
      { branchId: 'b-3', from: '2025-07-01', to: '2025-09-01' },
      { branchId: 'b-2', from: '2025-09-01', to: null },
    ]);
  });

  it('takes back a merger\'s move for a member who left before it (recorded after it): one stay, ended on their leaving (a probe)', () => {
    const replica = new SubjectsReplica();
    feed(replica, [
      personnel('2025-02-01', 'MemberAdmitted', { memberId: 'm-8', branchId: 'b-1', admittedOn: '2025-02-01' }),
      personnel('2025-07-01', 'MemberTransferred', { memberId: 'm-8', fromBranchId: 'b-1', toBranchId: 'b-3', transferredOn: '2025-07-01', cause: 'merger' }),
      personnel('2025-05-01', 'MemberStatusChanged', { memberId: 'm-8', branchId: 'b-1', status: 'left', previousStatus: 'active', changedOn: '2025-05-01' }),
      personnel('2025-07-01', 'MemberMoveTakenBack', { memberId: 'm-8', fromBranchId: 'b-3', toBranchId: 'b-1', movedOn: '2025-07-01', leftOn: '2025-05-01', cause: 'merger' }),
    ]);
    expect(replica.spansOf('member', 'm-8')).toEqual([{ branchId: 'b-1', from: '2025-02-01', to: '2025-05-01' }]);
  });
});
