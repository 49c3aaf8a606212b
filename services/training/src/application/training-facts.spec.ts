import * as v8 from 'node:v8';
import { compliance } from '../compliance/compliance';
import { FactEvent, TrainingFacts } from './training-facts';

let n = 0;
const event = (type: string, data: Record<string, unknown>): FactEvent => ({ type, data, eventId: `e-${n++}`, metadata: { effectiveDate: '2025-01-01' } });
const appointed = (memberId: string, branchId: string) => event('OfficerAppointed', { memberId, branchId, role: 'secretary', startsOn: '2025-01-01' });
const departed = (memberId: string, branchId: string) => event('OfficerDeparted', { memberId, branchId, role: 'secretary', endsOn: '2025-06-30' });

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

/** Facts with `history` secretaries who came and went, then the past spells read by `k` appointments, enrolment look-ups and departures. */
function spellsReadByOfficerEvents(history: number, k = 50): number {
  const facts = new TrainingFacts();
  for (let i = 0; i < history; i++) {
    facts.apply(appointed(`old-${i}`, `b-${i % 3000}`));
    facts.apply(departed(`old-${i}`, `b-${i % 3000}`));
  }
  const spells = countElementReads(facts, 'spells');
  for (let i = 0; i < k; i++) {
    facts.apply(event('MemberAdmitted', { memberId: `new-${i}`, branchId: `b-${i}` }));
    facts.apply(appointed(`new-${i}`, `b-${i}`));
    if (facts.member(`new-${i}`)?.post !== 'secretary') throw new Error('wrong answer');
    facts.apply(departed(`new-${i}`, `b-${i}`));
  }
  const reads = spells.reads;
  expect(facts.spells.slice(history).every((s) => s.endsOn === '2025-06-30')).toBe(true);
  return reads;
}

describe("training's facts: officers' posts", () => {
  it('ends the post a departure names and no other, and an enrolment sees only the posts still held', () => {
    const facts = new TrainingFacts();
    facts.apply(event('MemberAdmitted', { memberId: 'm-1', branchId: 'b-1' }));
    facts.apply(appointed('m-1', 'b-1'));
    facts.apply(appointed('m-1', 'b-2'));
    expect(facts.member('m-1')?.post).toBe('secretary');
    facts.apply(departed('m-1', 'b-1'));
    expect(facts.spells.map((s) => [s.branchId, s.endsOn])).toEqual([['b-1', '2025-06-30'], ['b-2', null]]);
    expect(facts.member('m-1')?.post).toBe('secretary');
    facts.apply(departed('m-1', 'b-2'));
    expect(facts.member('m-1')?.post).toBe('none');
  });

  it('a departure before the merger that ended a post, recorded after it, ends the post then: an enrolment of a day between finds none', () => {
    const facts = new TrainingFacts();
    facts.apply(event('MemberAdmitted', { memberId: 'm-7', branchId: 'b-1' }));
    facts.apply(appointed('m-7', 'b-1'));
    facts.apply(event('OfficerDeparted', { memberId: 'm-7', branchId: 'b-1', role: 'secretary', endsOn: '2025-06-01', cause: 'merger' }));
    expect(facts.member('m-7', '2025-05-01')?.post).toBe('secretary');
    facts.apply(event('OfficerDepartureBroughtForward', { memberId: 'm-7', branchId: 'b-1', role: 'secretary', endsOn: '2025-04-10', previousEndsOn: '2025-06-01', cause: 'resigned' }));
    expect([facts.member('m-7', '2025-04-09')?.post, facts.member('m-7', '2025-05-01')?.post]).toEqual(['secretary', 'none']);
  });

  it('an enrolment dated on a past day sees the post held that day, in its branch; without a day, the post held now', () => {
    const facts = new TrainingFacts();
    facts.apply(event('MemberAdmitted', { memberId: 'm4', branchId: 'b1' }));
    facts.apply(event('OfficerAppointed', { memberId: 'm4', branchId: 'b1', role: 'secretary', startsOn: '2024-08-01' }));
    facts.apply(event('OfficerDeparted', { memberId: 'm4', branchId: 'b1', role: 'secretary', endsOn: '2025-07-01' }));
    facts.apply(event('MemberTransferred', { memberId: 'm4', fromBranchId: 'b1', toBranchId: 'b12', transferredOn: '2025-07-01' }));
    facts.apply(event('OfficerAppointed', { memberId: 'm4', branchId: 'b12', role: 'deputy-secretary', startsOn: '2025-07-01' }));
    const seen = (on?: string) => { const m = facts.member('m4', on)!; return [m.post, m.branchId]; };
    expect([seen('2024-10-01'), seen('2025-07-01'), seen('2024-01-01'), seen()]).toEqual([['secretary', 'b1'], ['deputy-secretary', 'b12'], ['none', 'b1'], ['deputy-secretary', 'b12']]);
    // The same after a snapshot's restore.
    const restored = new TrainingFacts();
    restored.restoreState(v8.deserialize(v8.serialize(facts.snapshotState())));
    expect(restored.member('m4', '2024-10-01')).toMatchObject({ post: 'secretary', branchId: 'b1' });
  });

  it('a member holding no post is placed on a past day in the branch and status of that day, changes applied by their days, not their recording', () => {
    const facts = new TrainingFacts();
    facts.apply(event('MemberAdmitted', { memberId: 'm5', branchId: 'b1', admittedOn: '2023-03-26' }));
    facts.apply(event('MemberTransferred', { memberId: 'm5', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2024-06-01' }));
    facts.apply(event('MemberStatusChanged', { memberId: 'm5', branchId: 'b2', status: 'left', previousStatus: 'active', changedOn: '2025-09-01' }));
    // Recorded last, dated between the two.
    facts.apply(event('MemberStatusChanged', { memberId: 'm5', branchId: 'b2', status: 'away-work', previousStatus: 'active', changedOn: '2025-02-01' }));
    const seen = (on?: string) => { const m = facts.member('m5', on)!; return [m.branchId, m.active, m.away]; };
    expect([seen('2023-05-01'), seen('2024-06-01'), seen('2025-03-01'), seen('2025-10-01'), seen()]).toEqual([
      ['b1', true, false],
      ['b2', true, false],
      ['b2', true, true],
      ['b2', false, false],
      ['b2', true, true], // today's status is the one recorded last, as personnel's own fold has it
    ]);
    const restored = new TrainingFacts();
    restored.restoreState(v8.deserialize(v8.serialize(facts.snapshotState())));
    expect(restored.member('m5', '2023-05-01')).toMatchObject({ branchId: 'b1', active: true });
    // A snapshot written before the changes were kept restores without them: today's branch, as before.
    const { changes: _, ...older } = facts.snapshotState();
    const old = new TrainingFacts();
    old.restoreState(v8.deserialize(v8.serialize(older)));
    expect(old.member('m5', '2023-05-01')?.branchId).toBe('b2');
  });

  it('a transfer dated before a merger recorded already, and a second one after it: the merger\'s move taken back is forgotten, and the member is where their own transfers put them', () => {
    const facts = new TrainingFacts();
    facts.apply(event('MemberAdmitted', { memberId: 'm6', branchId: 'b1', admittedOn: '2024-02-01' }));
    facts.apply(event('MemberTransferred', { memberId: 'm6', fromBranchId: 'b1', toBranchId: 's', transferredOn: '2025-03-01', cause: 'merger' }));
    facts.apply(event('MemberTransferred', { memberId: 'm6', fromBranchId: 'b1', toBranchId: 'b3', transferredOn: '2025-02-10', cause: 'transfer' }));
    facts.apply(event('MemberMoveTakenBack', { memberId: 'm6', fromBranchId: 's', toBranchId: 'b3', movedOn: '2025-03-01', leftOn: '2025-02-10', cause: 'merger' }));
    facts.apply(event('MemberTransferred', { memberId: 'm6', fromBranchId: 'b3', toBranchId: 'b4', transferredOn: '2025-02-20', cause: 'transfer' }));
    const branchOn = (on?: string) => facts.member('m6', on)?.branchId;
    expect([branchOn('2025-02-01'), branchOn('2025-02-12'), branchOn('2025-03-01'), branchOn('2025-06-01'), branchOn()]).toEqual(['b1', 'b3', 'b4', 'b4', 'b4']);
  });

  it("a unit merged away: its successor's subtree and ancestry take it in, the old ones keep it (its courses' readers and lists follow the merger)", () => {
    const facts = new TrainingFacts();
    const unit = (unitId: string, parentId: string | null) => event('UnitEstablished', { unitId, kind: 'grassroots', name: unitId, parentId });
    for (const e of [unit('tw', null), unit('p1', 'tw'), unit('p2', 'tw'), unit('cA', 'p1'), unit('cAB', 'p2')]) facts.apply(e);
    facts.apply(event('UnitsMerged', { mergerId: 'um', sourceUnitIds: ['cA'], intoUnitId: 'cAB', intoNewUnit: false }));
    facts.apply(event('UnitsMerged', { mergerId: 'um2', sourceUnitIds: ['p1'], intoUnitId: 'p2', intoNewUnit: false }));
    const restored = new TrainingFacts();
    restored.restoreState(v8.deserialize(v8.serialize(facts.snapshotState())));
    for (const f of [facts, restored]) {
      expect([f.unitsUnder('cAB').sort(), f.unitsUnder('p2').sort(), f.unitsUnder('p1').sort()]).toEqual([['cA', 'cAB'], ['cA', 'cAB', 'p1', 'p2'], ['cA', 'p1']]);
      expect(f.unitAncestry('cA').sort()).toEqual(['cA', 'cAB', 'p1', 'p2', 'tw']);
      // Before the mergers' day, the successors are not theirs yet.
      expect(f.unitAncestry('cA', '2024-12-31').sort()).toEqual(['cA', 'p1', 'tw']);
      // Who acts for what a closed unit organised, from its day on: the successor open then (p2 for cA, whose successor cAB is open).
      expect([f.openUnitOf('cA', '2024-12-31'), f.openUnitOf('cA', '2025-01-01'), f.openUnitOf('p1', '2025-01-01'), f.openUnitOf('cAB', '2025-01-01')]).toEqual([undefined, 'cAB', 'p2', undefined]);
    }
    facts.apply(event('UnitDissolved', { unitId: 'cAB' }));
    expect([facts.openUnitOf('cAB', '2025-01-01'), facts.openUnitOf('cA', '2025-01-01')]).toEqual(['p2', 'p2']);
  });

  it('takes a member left unassigned by a dissolution as active again once transferred into a branch, as personnel does (a probe found them refused every course)', () => {
    const facts = new TrainingFacts();
    facts.apply(event('MemberAdmitted', { memberId: 'u1', branchId: 'b1', admittedOn: '2024-01-01' }));
    facts.apply(event('MemberStatusChanged', { memberId: 'u1', branchId: 'b1', status: 'unassigned', previousStatus: 'active', changedOn: '2025-01-01' }));
    expect(facts.member('u1')?.active).toBe(false);
    facts.apply(event('MemberTransferred', { memberId: 'u1', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2025-02-01', duesSettledUpTo: '2025-01-01', cause: 'transfer' }));
    expect(facts.member('u1')).toMatchObject({ branchId: 'b2', active: true });
  });

  it('costs the same per officer event with 100 or 10,000 past spells: no past spell is read (a scan of every spell ever read them all)', () => {
    // Counted, not timed (speed is measured by benchmarks): the spells read do not grow with history.
    const small = spellsReadByOfficerEvents(100);
    const large = spellsReadByOfficerEvents(10_000);
    expect(large).toBe(small);
  });
});

/** A province with `communes` communes under it: the placements one `unitsUnder` reads, and how many there are. */
function placementsReadByUnitsUnder(communes: number): { reads: number; placements: number } {
  const facts = new TrainingFacts();
  facts.apply(event('UnitEstablished', { unitId: 'tw', parentId: null }));
  facts.apply(event('UnitEstablished', { unitId: 'p', parentId: 'tw' }));
  for (let i = 0; i < communes; i++) facts.apply(event('UnitEstablished', { unitId: `c-${i}`, parentId: 'p' }));
  const placements = countElementReads(facts, 'placements');
  expect(facts.unitsUnder('p')).toHaveLength(communes + 1);
  return { reads: placements.reads, placements: facts.placements.length };
}

describe("training's facts: a unit's subtree", () => {
  it('lists the unit and the units under it, a moved unit where it went', () => {
    const facts = new TrainingFacts();
    for (const [unitId, parentId] of [['tw', null], ['p', 'tw'], ['q', 'tw'], ['c-1', 'p'], ['c-2', 'p']]) facts.apply(event('UnitEstablished', { unitId, parentId }));
    facts.apply(event('UnitMoved', { unitId: 'c-2', toParentId: 'q' }));
    expect(facts.unitsUnder('p')).toEqual(['p', 'c-1']);
    expect(facts.unitsUnder('tw')).toEqual(['tw', 'p', 'q', 'c-1', 'c-2']);
  });

  it('lists the subtree of a day asked: a unit that moved away since is still under its old parent then (a probe missed a district\'s communes\' courses)', () => {
    const facts = new TrainingFacts();
    for (const [unitId, parentId] of [['tw', null], ['p', 'tw'], ['d', 'p'], ['c-1', 'd'], ['c-2', 'd']]) facts.apply(eventOn('2020-01-01', 'UnitEstablished', { unitId, parentId }));
    facts.apply(eventOn('2025-07-01', 'UnitMoved', { unitId: 'c-1', toParentId: 'p' }));
    const on = (date: string) => ({ kind: 'date' as const, date });
    expect([facts.unitsUnder('d', on('2023-12-31')), facts.unitsUnder('d', on('2025-07-01')), facts.unitsUnder('d')]).toEqual([['d', 'c-1', 'c-2'], ['d', 'c-2'], ['d', 'c-2']]);
  });

  it("costs the same per unit for a province's 100 communes and the nation's 3,300 (course and competition lists): the placements read once, not once per unit", () => {
    // Counted, not timed: reading the parents once reads each placement once; an ancestry per unit read units × placements.
    for (const communes of [100, 3300]) {
      const { reads, placements } = placementsReadByUnitsUnder(communes);
      expect(reads).toBeLessThanOrEqual(2 * placements);
    }
  });
});

/** Facts with `branches` branches under one commune, and the placements read by 100 look-ups of a known and an unknown unit. */
function placementsReadByKnowsUnit(branches: number): number {
  const facts = new TrainingFacts();
  facts.apply(event('UnitEstablished', { unitId: 'c-1', parentId: null }));
  for (let i = 0; i < branches; i++) facts.apply(event('BranchEstablished', { branchId: `b-${i}`, parentUnitId: 'c-1', area: null }));
  facts.apply(event('UnitEstablished', { unitId: 'c-2', parentId: null }));
  const placements = countElementReads(facts, 'placements');
  for (let k = 0; k < 100; k++) if (!facts.knowsUnit('c-2') || facts.knowsUnit('c-3')) throw new Error('wrong answer');
  return placements.reads;
}

describe("training's facts: known units", () => {
  it('knows a unit established or moved, and no other', () => {
    const facts = new TrainingFacts();
    facts.apply(event('UnitEstablished', { unitId: 'c-1', parentId: null }));
    facts.apply(event('UnitMoved', { unitId: 'c-9', toParentId: 'c-1' }));
    expect([facts.knowsUnit('c-1'), facts.knowsUnit('c-9'), facts.knowsUnit('c-2')]).toEqual([true, true, false]);
  });

  it("costs the same with a commune's 30 branches or a province's 10,000: the placements are not scanned", () => {
    // Counted, not timed: the placements read do not grow with the tree (a scan of them read every one).
    expect(placementsReadByKnowsUnit(10_000)).toBe(placementsReadByKnowsUnit(30));
  });
});

/** Another service's event on its effective date, recorded a second after the one before. */
const eventOn = (on: string, type: string, data: Record<string, unknown>): FactEvent => ({ type, data, eventId: `e-${n++}`, metadata: { effectiveDate: on }, recordedAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString() });

/** Every answer the facts give, for these events, units, branches and members, and the compliance counted on them. */
function answers(facts: TrainingFacts) {
  const units = ['tw', 'p', 'c-1', 'c-2', 'u-x'];
  const branches = ['b-1', 'b-2', 'b-3', 'b-x'];
  const members = ['m-1', 'm-2', 'm-3', 'm-x'];
  return {
    units: units.map((u) => ({ known: facts.knowsUnit(u), branches: facts.branchesUnder(u), units: facts.unitsUnder(u), ancestry: facts.unitAncestry(u) })),
    branches: branches.map((b) => ({ status: facts.branchStatus(b), unit: facts.branchUnit(b), life: facts.branches.get(b) })),
    members: members.map((m) => ({ member: facts.member(m), erased: facts.erased(m) })),
    spells: facts.spells,
    compliance: [{ date: '2025-06-30' }, { date: '2026-12-31' }].map((when) => compliance(facts, 'tw', 2025, when, new Set(['m-2']))),
  };
}

describe("training's facts kept across a restart (the embedded start's snapshot)", () => {
  it('answer as the facts that read both topics, and stay so as the same events follow, a post ending included', () => {
    // Given facts fed a tree, residential branches, members, posts and an erasure
    const original = new TrainingFacts();
    const appointedM1 = eventOn('2025-01-10', 'OfficerAppointed', { memberId: 'm-1', branchId: 'b-1', role: 'secretary', startsOn: '2025-01-10' });
    const before = [
      eventOn('2024-01-01', 'UnitEstablished', { unitId: 'tw', parentId: null }),
      eventOn('2024-01-01', 'UnitEstablished', { unitId: 'p', parentId: 'tw' }),
      eventOn('2024-01-01', 'UnitEstablished', { unitId: 'c-1', parentId: 'p' }),
      eventOn('2024-01-01', 'UnitEstablished', { unitId: 'c-2', parentId: 'tw' }),
      eventOn('2024-02-01', 'BranchEstablished', { branchId: 'b-1', parentUnitId: 'c-1', name: 'Bản Na', area: 'village', predecessorIds: [] }),
      eventOn('2024-02-01', 'BranchEstablished', { branchId: 'b-2', parentUnitId: 'c-2', name: 'Bản Lạ', area: 'village', predecessorIds: [] }),
      eventOn('2024-02-01', 'BranchEstablished', { branchId: 'b-3', parentUnitId: 'c-2', name: 'Trường', area: null, predecessorIds: [] }),
      eventOn('2024-03-01', 'MemberAdmitted', { memberId: 'm-1', branchId: 'b-1' }),
      eventOn('2024-03-01', 'MemberAdmitted', { memberId: 'm-2', branchId: 'b-2' }),
      eventOn('2024-03-01', 'MemberAdmitted', { memberId: 'm-3', branchId: 'b-2' }),
      appointedM1,
      eventOn('2025-01-10', 'OfficerAppointed', { memberId: 'm-1', branchId: 'b-1', role: 'deputy-secretary', startsOn: '2025-01-10' }),
      eventOn('2025-02-01', 'OfficerAppointed', { memberId: 'm-2', branchId: 'b-2', role: 'secretary', startsOn: '2025-02-01' }),
      eventOn('2025-03-01', 'UnitMoved', { unitId: 'c-2', fromParentId: 'tw', toParentId: 'p' }),
      eventOn('2025-04-01', 'BranchRenamed', { branchId: 'b-3', name: 'Thôn 3', previousName: 'Trường', area: 'village' }),
      eventOn('2025-05-01', 'MemberPersonalDataErased', { memberId: 'm-3', erasedOn: '2025-05-01' }),
    ];
    for (const e of before) original.apply(e);

    // When their state goes through v8 and into fresh facts
    const restored = new TrainingFacts();
    restored.restoreState(v8.deserialize(v8.serialize(original.snapshotState())));

    // Then they answer as the original does
    const later = [
      eventOn('2025-06-01', 'OfficerDeparted', { memberId: 'm-1', branchId: 'b-1', role: 'secretary', endsOn: '2025-06-01' }),
      eventOn('2025-06-15', 'MemberTransferred', { memberId: 'm-3', fromBranchId: 'b-2', toBranchId: 'b-3' }),
      eventOn('2025-07-01', 'MemberStatusChanged', { memberId: 'm-2', branchId: 'b-2', status: 'left', previousStatus: 'active' }),
      eventOn('2025-08-01', 'BranchesMerged', { mergerId: 'g-1', sourceBranchIds: ['b-2', 'b-3'], intoBranchId: 'b-3', intoNewBranch: false }),
      eventOn('2025-09-01', 'BranchMoved', { branchId: 'b-3', fromUnitId: 'c-2', toUnitId: 'c-1' }),
    ];
    expect(answers(restored)).toEqual(answers(original));

    // And both stay equal as the same events follow: a post ending (its spell with it), a transfer, a merger
    for (const facts of [original, restored]) for (const e of later) facts.apply(e);
    expect(answers(restored)).toEqual(answers(original));
    expect([restored.member('m-1')?.post, restored.spells.map((s) => s.endsOn)]).toEqual(['deputy-secretary', ['2025-06-01', null, null]]);
  });

  it('a merger recorded late places a member who left the branch since in the successor for the days between', () => {
    const facts = new TrainingFacts();
    facts.apply(event('MemberAdmitted', { memberId: 'm6', branchId: 'b1', admittedOn: '2025-02-01' }));
    facts.apply(event('MemberTransferred', { memberId: 'm6', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2025-09-01' }));
    facts.apply(event('MemberMovedForPeriod', { memberId: 'm6', fromBranchId: 'b1', toBranchId: 'b3', movedOn: '2025-07-01', until: '2025-09-01', cause: 'merger' }));
    expect(['2025-06-30', '2025-08-01', '2025-09-01', undefined].map((on) => facts.member('m6', on)?.branchId)).toEqual(['b1', 'b3', 'b2', 'b2']);
  });

  it('a dissolution recorded late leaves a member who left the branch since unassigned for the days between', () => {
    const facts = new TrainingFacts();
    facts.apply(event('MemberAdmitted', { memberId: 'm7', branchId: 'b1', admittedOn: '2025-02-01' }));
    facts.apply(event('MemberTransferred', { memberId: 'm7', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2025-09-01' }));
    facts.apply(event('MemberUnassignedForPeriod', { memberId: 'm7', fromBranchId: 'b1', on: '2025-07-01', until: '2025-09-01' }));
    const standing = (on?: string) => facts.member('m7', on) && { branchId: facts.member('m7', on)!.branchId, active: facts.member('m7', on)!.active };
    expect(['2025-06-30', '2025-08-01', '2025-09-01', undefined].map(standing)).toEqual([
      { branchId: 'b1', active: true },
      { branchId: 'b1', active: false },
      { branchId: 'b2', active: true },
      { branchId: 'b2', active: true },
    ]);
    const restored = new TrainingFacts();
    restored.restoreState(facts.snapshotState());
    expect(restored.member('m7', '2025-08-01')?.active).toBe(false);
  });
});
