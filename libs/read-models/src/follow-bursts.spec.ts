import { catchUpSubscription, RecordedEvent } from '@register/event-sourcing';
import { liveTarget } from './naming';
import { defineProjection, op } from './projection';
import { Round } from './read-store';
import { EventSource, ProjectionRunner } from './runner';
import { recordedAt } from './spec-log';
import { MemoryReadStore } from './stores/memory-read-store';

const counted = defineProjection({
  name: 'counted',
  version: 1,
  collections: { branches: {} },
  handlers: { Counted: ({ data }: RecordedEvent) => op.upsert('branches', (data as { id: string }).id, { $inc: { n: 1 } }) },
});

/** A log in memory that wakes its subscribers on each append, as a service's own store does. */
function appendableLog() {
  const events: RecordedEvent[] = [];
  const listeners = new Set<() => void>();
  const readAll = async (after: number, limit: number) => events.filter((e) => e.position > after).slice(0, limit);
  const source: EventSource = {
    readAll,
    headPosition: async () => events.length,
    subscribe: (after, handler, options) => catchUpSubscription({ readAll, onAppended: (l) => (listeners.add(l), () => void listeners.delete(l)) }, after, handler, options),
  };
  const append = (id: string) => {
    events.push(recordedAt(events.length + 1, 'Counted', { id }));
    for (const l of [...listeners]) l();
  };
  return { source, append };
}

/** Until `done()` holds, giving the runner turns of the event loop (no clock involved). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i > 100_000) throw new Error('never happened');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Following live, a runner wrote each event that arrived on its own as a batch of its own, queued
 * behind the write in flight: on FerretDB a batch costs four round trips (~45 ms), so a tail of 50
 * events/s fell further behind with every event (bench:rebuild's live mode). The events that arrive
 * while a batch is being written now go out together, in one batch, once that write ends.
 */
describe('a live runner whose store is slower than the events', () => {
  it('given a batch being written, when events arrive one by one meanwhile, then they are written as one batch after it', async () => {
    const store = new MemoryReadStore();
    const journals: Round[][] = [];
    let open: () => void = () => undefined;
    let gate: Promise<void> | undefined;
    const saveJournal = store.saveJournal.bind(store);
    store.saveJournal = async (name: string, rounds: Round[]) => {
      journals.push(rounds);
      if (gate) await gate;
      return saveJournal(name, rounds);
    };
    const log = appendableLog();
    const runner = new ProjectionRunner(log.source, store, counted, { owner: 'live', initialLoad: false, pollMs: 10_000 });
    runner.start();
    try {
      await until(() => runner.status === 'live');
      gate = new Promise((resolve) => (open = resolve));
      log.append('b0');
      await until(() => journals.length === 1); // the first event's batch, held in flight
      for (let i = 1; i < 10; i++) {
        log.append(`b${i % 3}`);
        await until(() => runner.events === i + 1);
        for (let k = 0; k < 5; k++) await new Promise((resolve) => setImmediate(resolve)); // the turns in which a burst is handed over
      }
      gate = undefined;
      open();
      expect(await runner.waitFor(10, 30_000)).toBe(true);
      expect(journals).toHaveLength(2);
      const docs = await store.find(liveTarget(counted).collection('branches'), {}, { sort: { _id: 1 } });
      expect(docs.map((d) => [d._id, d.n])).toEqual([
        ['b0', 4],
        ['b1', 3],
        ['b2', 3],
      ]);
    } finally {
      await runner.stop();
    }
  }, 60_000);
});
