import { performance } from 'node:perf_hooks';
import { BranchReplica } from './branch-replica';
import { ReplicaEvent } from './unit-subtree';

let n = 0;
const event = (type: string, data: Record<string, unknown>) => ({ type, data, eventId: `e-${n++}`, metadata: { effectiveDate: '2025-01-01' } }) as unknown as ReplicaEvent;

/** A replica with `branches` branches under one commune, and the time of a known and an unknown unit's look-up. */
function msPerKnowsUnit(branches: number): number {
  const replica = new BranchReplica();
  replica.apply(event('UnitEstablished', { unitId: 'c-1', parentId: null }));
  for (let i = 0; i < branches; i++) replica.apply(event('BranchEstablished', { branchId: `b-${i}`, parentUnitId: 'c-1', name: `b ${i}`, area: null }));
  replica.apply(event('UnitEstablished', { unitId: 'c-2', parentId: null }));
  const t0 = performance.now();
  for (let k = 0; k < 5000; k++) if (!replica.knowsUnit('c-2') || replica.knowsUnit('c-3')) throw new Error('wrong answer');
  return (performance.now() - t0) / 5000;
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

  it("costs the same with a commune's 30 branches or the nation's 100,000 (every member list by unit asks)", () => {
    msPerKnowsUnit(30); // warm-up
    const small = Math.min(msPerKnowsUnit(30), msPerKnowsUnit(30));
    expect(msPerKnowsUnit(100_000) / small).toBeLessThan(5);
  });
});
