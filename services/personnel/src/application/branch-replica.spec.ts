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

  it("costs the same with a commune's 30 branches or a province's 10,000 (every member list by unit asks): the placements are not scanned", () => {
    // Counted, not timed (speed is measured by benchmarks): the placements read do not grow with the tree.
    expect(placementsReadByKnowsUnit(10_000)).toBe(placementsReadByKnowsUnit(30));
  });
});
