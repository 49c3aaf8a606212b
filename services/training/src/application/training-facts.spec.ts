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
