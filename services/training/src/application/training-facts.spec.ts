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
