import { EventStoreDBClient } from '@eventstore/db-client';
import { EventStoreDbEventStore } from './eventstoredb';

/** $all as a shared server holds it: this service's events among another's, and command records. */
function sharedAll(count: number, mineEvery: number) {
  return Array.from({ length: count }, (_, i) => {
    const position = { commit: BigInt((i + 1) * 100), prepare: BigInt((i + 1) * 100) };
    const mine = i % mineEvery === 0;
    const streamId = mine ? 'personnel.member-1' : i % 2 ? 'evaluation.rating-1' : 'personnel.register_command-x';
    return { event: { streamId, id: `e-${i}`, revision: BigInt(i), type: mine ? 'MemberAdmitted' : 'Other', created: new Date(0), data: { i }, metadata: {}, position } };
  });
}

/** The client's readAll over that array: from a position, inclusive, at most maxCount; counts the calls. */
function fakeClient(all: ReturnType<typeof sharedAll>) {
  const calls: number[] = [];
  const client = {
    readAll: ({ fromPosition, maxCount }: { fromPosition: unknown; maxCount: number }) => {
      calls.push(maxCount);
      const from = typeof fromPosition === 'object' && fromPosition ? (fromPosition as { commit: bigint }).commit : 0n;
      return (async function* () {
        yield* all.filter((r) => r.event.position.commit >= from).slice(0, maxCount);
      })();
    },
  } as unknown as EventStoreDBClient;
  return { client, calls };
}

describe('EventStoreDB: a page of the log on a shared server', () => {
  it('given one event of ten in $all being this service\'s, when a page of 5 is read, then it is full: $all is read on chunk after chunk, nothing twice', async () => {
    const all = sharedAll(400, 10);
    const { client, calls } = fakeClient(all);
    const store = new EventStoreDbEventStore(client, 'personnel.');
    const page = await store.readAll(0, 5);
    expect(page.map((e) => e.data)).toEqual([0, 10, 20, 30, 40].map((i) => ({ i })));
    expect(calls.length).toBeGreaterThan(1);
    const next = await store.readAll(page[4].position, 5);
    expect(next.map((e) => e.data)).toEqual([50, 60, 70, 80, 90].map((i) => ({ i })));
  });

  it('given the end of $all, when the last page is read, then it is short, and a page after it empty', async () => {
    const { client } = fakeClient(sharedAll(95, 10));
    const store = new EventStoreDbEventStore(client, 'personnel.');
    const page = await store.readAll(0, 20);
    expect(page).toHaveLength(10);
    expect(await store.readAll(page[9].position, 20)).toEqual([]);
  });
});
