import { performance } from 'node:perf_hooks';
import { FactEvent, TrainingFacts } from './training-facts';

let n = 0;
const event = (type: string, data: Record<string, unknown>): FactEvent => ({ type, data, eventId: `e-${n++}`, metadata: { effectiveDate: '2025-01-01' } });
const appointed = (memberId: string, branchId: string) => event('OfficerAppointed', { memberId, branchId, role: 'secretary', startsOn: '2025-01-01' });
const departed = (memberId: string, branchId: string) => event('OfficerDeparted', { memberId, branchId, role: 'secretary', endsOn: '2025-06-30' });

/** Facts with `history` secretaries who came and went, then the time of `k` appointments, enrolment look-ups and departures. */
function msPerOfficerEvent(history: number, k = 2000): number {
  const facts = new TrainingFacts();
  for (let i = 0; i < history; i++) {
    facts.apply(appointed(`old-${i}`, `b-${i % 3000}`));
    facts.apply(departed(`old-${i}`, `b-${i % 3000}`));
  }
  const t0 = performance.now();
  for (let i = 0; i < k; i++) {
    facts.apply(appointed(`new-${i}`, `b-${i}`));
    facts.member(`new-${i}`);
    facts.apply(departed(`new-${i}`, `b-${i}`));
  }
  return (performance.now() - t0) / k;
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

  it("costs the same per officer event with 100 or 100,000 past spells (a province's five years)", () => {
    msPerOfficerEvent(100); // warm-up
    const small = Math.min(msPerOfficerEvent(100), msPerOfficerEvent(100));
    const large = msPerOfficerEvent(100_000);
    expect(large / small).toBeLessThan(5);
  });
});

/** A province with `communes` communes under it, and the time of one `unitsUnder` per unit. */
function msPerUnitOfUnitsUnder(communes: number): number {
  const facts = new TrainingFacts();
  facts.apply(event('UnitEstablished', { unitId: 'tw', parentId: null }));
  facts.apply(event('UnitEstablished', { unitId: 'p', parentId: 'tw' }));
  for (let i = 0; i < communes; i++) facts.apply(event('UnitEstablished', { unitId: `c-${i}`, parentId: 'p' }));
  const reps = Math.max(3, Math.round(50_000 / communes));
  const t0 = performance.now();
  for (let k = 0; k < reps; k++) facts.unitsUnder('p');
  return (performance.now() - t0) / reps / communes;
}

describe("training's facts: a unit's subtree", () => {
  it('lists the unit and the units under it, a moved unit where it went', () => {
    const facts = new TrainingFacts();
    for (const [unitId, parentId] of [['tw', null], ['p', 'tw'], ['q', 'tw'], ['c-1', 'p'], ['c-2', 'p']]) facts.apply(event('UnitEstablished', { unitId, parentId }));
    facts.apply(event('UnitMoved', { unitId: 'c-2', toParentId: 'q' }));
    expect(facts.unitsUnder('p')).toEqual(['p', 'c-1']);
    expect(facts.unitsUnder('tw')).toEqual(['tw', 'p', 'q', 'c-1', 'c-2']);
  });

  it("costs the same per unit for a province's 100 communes and the nation's 3,300 and more (course and competition lists)", () => {
    msPerUnitOfUnitsUnder(100); // warm-up
    const province = Math.min(msPerUnitOfUnitsUnder(100), msPerUnitOfUnitsUnder(100), msPerUnitOfUnitsUnder(100));
    const nation = msPerUnitOfUnitsUnder(5000);
    expect(nation / province).toBeLessThan(5);
  });
});

/** Facts with `branches` branches under one commune, and the time of a known and an unknown unit's look-up. */
function msPerKnowsUnit(branches: number): number {
  const facts = new TrainingFacts();
  facts.apply(event('UnitEstablished', { unitId: 'c-1', parentId: null }));
  for (let i = 0; i < branches; i++) facts.apply(event('BranchEstablished', { branchId: `b-${i}`, parentUnitId: 'c-1', area: null }));
  facts.apply(event('UnitEstablished', { unitId: 'c-2', parentId: null }));
  const t0 = performance.now();
  for (let k = 0; k < 5000; k++) if (!facts.knowsUnit('c-2') || facts.knowsUnit('c-3')) throw new Error('wrong answer');
  return (performance.now() - t0) / 5000;
}

describe("training's facts: known units", () => {
  it('knows a unit established or moved, and no other', () => {
    const facts = new TrainingFacts();
    facts.apply(event('UnitEstablished', { unitId: 'c-1', parentId: null }));
    facts.apply(event('UnitMoved', { unitId: 'c-9', toParentId: 'c-1' }));
    expect([facts.knowsUnit('c-1'), facts.knowsUnit('c-9'), facts.knowsUnit('c-2')]).toEqual([true, true, false]);
  });

  it("costs the same with a commune's 30 branches or the nation's 100,000", () => {
    msPerKnowsUnit(30); // warm-up
    const small = Math.min(msPerKnowsUnit(30), msPerKnowsUnit(30));
    expect(msPerKnowsUnit(100_000) / small).toBeLessThan(5);
  });
});
