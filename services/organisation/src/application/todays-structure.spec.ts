import { EventStore, RecordedEvent } from '@register/event-sourcing';
import { Structure } from '../domain/structure';
import { Dated, foldFacts, recorded } from '../testing/projection-testing';
import { TodaysStructure } from './todays-structure';

/** A log of the structure's stream that the spec appends to: readStream from a revision is all TodaysStructure reads. */
function log(facts: Dated[]) {
  const all = [...facts];
  const store = { readStream: async (_: string, o: { fromRevision?: number } = {}) => recorded(all).filter((e: RecordedEvent) => e.revision >= (o.fromRevision ?? 0)) };
  return { store: store as unknown as EventStore, append: (...more: Dated[]) => all.push(...more), facts: all };
}

const branches = (s: Structure) => [...s.branches.values()].map((b) => `${b.id}:${b.name}:${b.parentUnitId}:${b.status}`).sort();
/** What `asOf` that day folds: the facts in force by then, in log order. */
const asOf = (facts: Dated[], day: string) => branches(foldFacts(facts.filter((f) => (f.on ?? '2025-01-01') <= day)));

const established: Dated[] = [
  { type: 'UnitEstablished', data: { unitId: 'u1', kind: 'grassroots', name: 'Xã 1', parentId: null } },
  { type: 'UnitEstablished', data: { unitId: 'u2', kind: 'grassroots', name: 'Xã 2', parentId: null } },
  { type: 'BranchEstablished', data: { branchId: 'b1', parentUnitId: 'u1', name: 'Bản Một', area: null, predecessorIds: [] } },
] as Dated[];

describe('TodaysStructure: the structure on a day, as asOf that day folds it', () => {
  it('is the live fold itself while nothing recorded takes effect after the day', async () => {
    const { store, facts } = log(established);
    const live = foldFacts(facts);
    expect(await new TodaysStructure(store).on('2025-06-01', live)).toEqual({ structure: live, pending: false });
  });

  it('leaves a later change pending until its day, follows new events, and folds again when the day goes back', async () => {
    const { store, append, facts } = log([
      ...established,
      { type: 'BranchRenamed', data: { branchId: 'b1', name: 'Bản Một Mới', area: null }, on: '2025-07-01' },
      { type: 'BranchEstablished', data: { branchId: 'b2', parentUnitId: 'u2', name: 'Bản Hai', area: null, predecessorIds: [] }, on: '2026-01-01' },
    ] as Dated[]);
    const todays = new TodaysStructure(store);
    const on = async (day: string) => {
      const { structure, pending } = await todays.on(day, foldFacts(facts));
      expect(branches(structure)).toEqual(asOf(facts, day));
      return { branches: branches(structure), pending };
    };
    expect(await on('2025-06-01')).toEqual({ branches: ['b1:Bản Một:u1:active'], pending: true });
    expect(await on('2025-06-15')).toEqual({ branches: ['b1:Bản Một:u1:active'], pending: true });
    expect((await on('2025-07-01')).branches).toEqual(['b1:Bản Một Mới:u1:active']);
    append({ type: 'BranchMoved', data: { branchId: 'b1', fromUnitId: 'u1', toUnitId: 'u2' }, on: '2025-06-20' } as Dated);
    expect((await on('2025-07-01')).branches).toEqual(['b1:Bản Một Mới:u2:active']);
    expect((await on('2025-06-10')).branches).toEqual(['b1:Bản Một:u1:active']);
    expect(await on('2026-01-01')).toEqual({ branches: ['b1:Bản Một Mới:u2:active', 'b2:Bản Hai:u2:active'], pending: false });
  });
});
