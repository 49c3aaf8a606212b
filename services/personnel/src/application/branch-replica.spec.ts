import * as v8 from 'node:v8';
import { BranchReplica } from './branch-replica';
import { ReplicaEvent } from './unit-subtree';

let n = 0;
const event = (type: string, data: Record<string, unknown>) => ({ type, data, eventId: `e-${n++}`, metadata: { effectiveDate: '2025-01-01' } }) as unknown as ReplicaEvent;

/**
 * Puts `owner[key]` (an array) behind a proxy that counts the elements read from it (find, filter,
 * some and for…of all read by index): the work a scan of it does, counted rather than timed.
 */
function countElementReads(owner: object, key: string): { reads: number } {
  const counter = { reads: 0 };
  const fields = owner as Record<string, unknown[]>;
  fields[key] = new Proxy(fields[key], {
    get(target, property, receiver) {
      if (typeof property === 'string' && /^\d+$/.test(property)) counter.reads++;
      return Reflect.get(target, property, receiver);
    },
  });
  return counter;
}

/** A replica with `branches` branches under one commune, and the placements read by 100 look-ups of a known and an unknown unit. */
function placementsReadByKnowsUnit(branches: number): number {
  const replica = new BranchReplica();
  replica.apply(event('UnitEstablished', { unitId: 'c-1', parentId: null }));
  for (let i = 0; i < branches; i++) replica.apply(event('BranchEstablished', { branchId: `b-${i}`, parentUnitId: 'c-1', name: `b ${i}`, area: null }));
  replica.apply(event('UnitEstablished', { unitId: 'c-2', parentId: null }));
  const placements = countElementReads(replica, 'placements');
  for (let k = 0; k < 100; k++) if (!replica.knowsUnit('c-2') || replica.knowsUnit('c-3')) throw new Error('wrong answer');
  return placements.reads;
}

describe("personnel's branch replica: known units", () => {
  it('knows a unit established or moved, and no other; a replayed event changes nothing', () => {
    const replica = new BranchReplica();
    const established = event('UnitEstablished', { unitId: 'c-1', parentId: null });
    replica.apply(established);
    replica.apply(established);
    replica.apply(event('UnitMoved', { unitId: 'c-9', toParentId: 'c-1' }));
    expect([replica.knowsUnit('c-1'), replica.knowsUnit('c-9'), replica.knowsUnit('c-2')]).toEqual([true, true, false]);
  });

  it('names the units merged into a unit from the day the merger took effect (a probe saw one dated later counted at once)', () => {
    const replica = new BranchReplica();
    for (const unitId of ['c-1', 'c-2', 'c-3']) replica.apply(event('UnitEstablished', { unitId, parentId: null }));
    replica.apply({ ...event('UnitsMerged', { mergerId: 'um', sourceUnitIds: ['c-2'], intoUnitId: 'c-1', intoNewUnit: false }), metadata: { effectiveDate: '2027-01-01' } } as ReplicaEvent);
    replica.apply(event('UnitsMerged', { mergerId: 'um2', sourceUnitIds: ['c-3'], intoUnitId: 'c-1', intoNewUnit: false }));
    expect([replica.unitsMergedInto('c-1', '2026-12-06'), replica.unitsMergedInto('c-1', '2027-01-01').sort()]).toEqual([['c-3'], ['c-2', 'c-3']]);
  });

  it("costs the same with a commune's 30 branches or a province's 10,000 (every member list by unit asks): the placements are not scanned", () => {
    // Counted, not timed (speed is measured by benchmarks): the placements read do not grow with the tree.
    expect(placementsReadByKnowsUnit(10_000)).toBe(placementsReadByKnowsUnit(30));
  });
});

/** An organisation event on its effective date, recorded a second after the one before. */
const eventOn = (on: string, type: string, data: Record<string, unknown>) =>
  ({ type, data, eventId: `e-${n++}`, metadata: { effectiveDate: on }, recordedAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString() }) as unknown as ReplicaEvent;

/** Every answer the replica gives, for these branches and units, today, as of dates and as of an instant. */
function answers(replica: BranchReplica, instant: Date) {
  const branches = ['b-1', 'b-2', 'b-3', 'b-4', 'b-5', 'b-6', 'b-x'];
  const units = ['tw', 'p1', 'p2', 'c-2', 'c-9', 'u-x'];
  const asOfs = [undefined, { kind: 'date' as const, date: '2024-06-01' }, { kind: 'date' as const, date: '2025-06-01' }, { kind: 'instant' as const, instant }];
  return {
    get: branches.map((b) => replica.get(b)),
    status: branches.map((b) => replica.statusOf(b)),
    active: replica.active(),
    knows: units.map((u) => replica.knowsUnit(u)),
    under: units.map((u) => asOfs.map((asOf) => replica.branchesUnder(u, asOf))),
  };
}

describe("personnel's branch replica kept across a restart (the embedded start's snapshot)", () => {
  it('answers as the replica that read the whole topic, and stays so as the same events follow, a replayed one and early ratings included', () => {
    // Given a replica fed a tree with moves, renames, closures and ratings (one of a branch not established yet)
    const original = new BranchReplica();
    const c2 = eventOn('2024-01-01', 'UnitEstablished', { unitId: 'c-2', parentId: 'p1' });
    for (const e of [
      eventOn('2024-01-01', 'UnitEstablished', { unitId: 'tw', parentId: null }),
      eventOn('2024-01-01', 'UnitEstablished', { unitId: 'p1', parentId: 'tw' }),
      eventOn('2024-01-01', 'UnitEstablished', { unitId: 'p2', parentId: 'tw' }),
      c2,
      eventOn('2024-02-01', 'BranchEstablished', { branchId: 'b-1', parentUnitId: 'c-2', name: 'Bản Na', area: null, predecessorIds: [] }),
      eventOn('2024-02-01', 'BranchEstablished', { branchId: 'b-2', parentUnitId: 'p2', name: 'Bản Lạ', area: null, predecessorIds: [] }),
      eventOn('2024-02-01', 'BranchEstablished', { branchId: 'b-3', parentUnitId: 'p1', name: 'Bản Mồng', area: null, predecessorIds: [] }),
      eventOn('2025-03-01', 'UnitMoved', { unitId: 'c-2', fromParentId: 'p1', toParentId: 'p2' }),
      eventOn('2025-03-01', 'BranchRenamed', { branchId: 'b-2', name: 'Bản Lạ Mới', previousName: 'Bản Lạ', area: null }),
      eventOn('2025-04-01', 'BranchMoved', { branchId: 'b-2', fromUnitId: 'p2', toUnitId: 'p1' }),
      eventOn('2025-05-01', 'BranchDissolved', { branchId: 'b-3' }),
    ])
      original.apply(e);
    original.recordRating('b-4', 'strong', 2024);
    original.recordRating('b-1', 'good', 2024);
    const instant = new Date(Date.UTC(2026, 0, 1) + (n - 3) * 1000);

    // When its state goes through v8 and into a fresh replica
    const restored = new BranchReplica();
    restored.restoreState(v8.deserialize(v8.serialize(original.snapshotState())));

    // Then it answers every question as the original does
    expect(answers(restored, instant)).toEqual(answers(original, instant));

    // And both stay equal as the same events follow: the unit's establishment again (read twice), the
    // branch rated before it was established, a rating of an earlier year, merger and split
    const events = [
      c2,
      eventOn('2025-06-01', 'BranchEstablished', { branchId: 'b-4', parentUnitId: 'p1', name: 'Bản Mới', area: null, predecessorIds: [] }),
      eventOn('2025-06-01', 'BranchEstablished', { branchId: 'b-5', parentUnitId: 'c-2', name: 'Bản Năm', area: null, predecessorIds: [] }),
      eventOn('2025-07-01', 'BranchesMerged', { mergerId: 'g-1', sourceBranchIds: ['b-1', 'b-5'], intoBranchId: 'b-6', intoNewBranch: true }),
      eventOn('2025-07-01', 'BranchEstablished', { branchId: 'b-6', parentUnitId: 'c-2', name: 'Bản Sáu', area: null, predecessorIds: ['b-1', 'b-5'] }),
      eventOn('2025-08-01', 'BranchSplit', { splitId: 's-1', sourceBranchId: 'b-2', parts: [] }),
      eventOn('2025-08-01', 'UnitEstablished', { unitId: 'c-9', parentId: 'p2' }),
    ];
    for (const replica of [original, restored]) {
      for (const e of events) replica.apply(e);
      replica.recordRating('b-1', 'weak', 2023);
    }
    expect(answers(restored, instant)).toEqual(answers(original, instant));
    expect([restored.get('b-4')?.lastRating, restored.get('b-1')?.lastRating, restored.branchesUnder('p1')]).toEqual(['strong', 'good', ['b-2', 'b-3', 'b-4']]);
  });
});

describe("personnel's branch replica: the rating a congress was held under", () => {
  const replica = () => {
    const r = new BranchReplica();
    r.recordRating('b1', 'good', 2021, '2022-01-20');
    r.recordRating('b1', 'weak', 2022, '2023-01-20');
    r.recordRating('b1', 'strong', 2022, '2023-06-01'); // an approved change of 2022
    return r;
  };
  it('takes the latest year decided by the congress\'s day, as changed by then (a probe\'s congress was judged by a rating decided after it)', () => {
    const r = replica();
    expect([r.ratingBefore('b1', '2022-01-19'), r.ratingBefore('b1', '2023-01-10'), r.ratingBefore('b1', '2023-02-01'), r.ratingBefore('b1', '2023-07-01')]).toEqual([
      { grade: 'good', year: 2021 }, // the 2021 decision is not in force yet: the latest year's decision, as the register knows it
      { grade: 'good', year: 2021 },
      { grade: 'weak', year: 2022 },
      { grade: 'strong', year: 2022 },
    ]);
  });
  it('has none before the first rated year, and takes the latest year entered, as changed since, when none was decided by then (entered since)', () => {
    const r = new BranchReplica();
    r.recordRating('b2', 'average', 2021, '2026-12-07');
    r.recordRating('b2', 'average', 2022, '2026-12-07');
    r.recordRating('b2', 'good', 2022, '2026-12-07'); // a change approved the same day
    expect([r.ratingBefore('b2', '2021-06-01'), r.ratingBefore('b2', '2023-03-01'), r.ratingBefore('b9', '2023-03-01')]).toEqual([null, { grade: 'good', year: 2022 }, null]);
  });
});

describe('the mergers a member joining a closed branch moves with', () => {
  const replica = () => {
    const r = new BranchReplica();
    r.apply(eventOn('2015-01-01', 'UnitEstablished', { unitId: 'x', kind: 'grassroots', name: 'Xã', parentId: null }));
    for (const b of ['a', 'b', 'c', 'd', 's']) r.apply(eventOn('2015-01-01', 'BranchEstablished', { branchId: b, parentUnitId: 'x', name: b, area: null }));
    r.apply(eventOn('2024-09-01', 'BranchesMerged', { mergerId: 'm1', sourceBranchIds: ['a', 'b'], intoBranchId: 'c', intoNewBranch: false }));
    r.apply(eventOn('2025-07-01', 'BranchesMerged', { mergerId: 'm2', sourceBranchIds: ['c'], intoBranchId: 'd', intoNewBranch: false }));
    r.apply(eventOn('2025-03-01', 'BranchSplit', { splitId: 'sp', sourceBranchId: 's', parts: [] }));
    return r;
  };
  it('names each merger after the day, in order, when mergers alone closed the branch into one still open', () => {
    const r = replica();
    expect(r.mergersAfter('a', '2024-06-15')).toEqual([{ on: '2024-09-01', intoBranchId: 'c' }, { on: '2025-07-01', intoBranchId: 'd' }]);
    expect(r.mergersAfter('c', '2025-01-01')).toEqual([{ on: '2025-07-01', intoBranchId: 'd' }]);
  });
  it('names none before the branch was formed by a merger or split (a review found an admission taken into one before its day)', () => {
    const r = replica();
    r.apply(eventOn('2025-09-01', 'BranchEstablished', { branchId: 'n', parentUnitId: 'x', name: 'n', area: null, predecessorIds: ['d'] }));
    r.apply(eventOn('2026-01-01', 'BranchesMerged', { mergerId: 'm3', sourceBranchIds: ['n'], intoBranchId: 's2', intoNewBranch: false }));
    r.apply(eventOn('2015-01-01', 'BranchEstablished', { branchId: 's2', parentUnitId: 'x', name: 's2', area: null }));
    expect([r.mergersAfter('n', '2025-06-01'), r.mergersAfter('n', '2025-10-01'), r.statusOf('n', '2025-06-01')]).toEqual([undefined, [{ on: '2026-01-01', intoBranchId: 's2' }], 'not-yet-formed']);
  });
  it('names none on or after the closing, for a branch still open, or closed by a split', () => {
    const r = replica();
    expect([r.mergersAfter('a', '2024-09-01'), r.mergersAfter('a', '2025-01-01'), r.mergersAfter('d', '2020-01-01'), r.mergersAfter('s', '2020-01-01'), r.mergersAfter('zz', '2020-01-01')]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
