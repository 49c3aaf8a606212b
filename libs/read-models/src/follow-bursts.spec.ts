import { catchUpSubscription, RecordedEvent } from '@register/event-sourcing';
import { Batch } from './batch';
import { liveTarget, STATES } from './naming';
import { defineProjection, op } from './projection';
import { JournalRef, Round, WriteOp } from './read-store';
import { EventSource, ProjectionRunner } from './runner';
import { recordedAt } from './spec-log';
import { ProjectionState } from './state';
import { MemoryReadStore } from './stores/memory-read-store';
import { CopyWriter } from './writer';

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

/** Holds each batch's journal save while held: the batch stays in flight until released. */
function gatedJournals(store: MemoryReadStore) {
  const journals: Round[][] = [];
  let open: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  const saveJournal = store.saveJournal.bind(store);
  store.saveJournal = async (name: string, rounds: Round[]) => {
    journals.push(rounds);
    if (gate) await gate;
    return saveJournal(name, rounds);
  };
  return {
    journals,
    hold: () => void (gate = new Promise((resolve) => (open = resolve))),
    release: () => {
      gate = undefined;
      open();
    },
  };
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
    const { journals, hold, release } = gatedJournals(store);
    const log = appendableLog();
    const runner = new ProjectionRunner(log.source, store, counted, { owner: 'live', initialLoad: false, pollMs: 10_000 });
    runner.start();
    try {
      await until(() => runner.status === 'live');
      hold();
      log.append('b0');
      await until(() => journals.length === 1); // the first event's batch, held in flight
      for (let i = 1; i < 10; i++) {
        log.append(`b${i % 3}`);
        await until(() => runner.events === i + 1);
        for (let k = 0; k < 5; k++) await new Promise((resolve) => setImmediate(resolve)); // the turns in which a burst is handed over
      }
      release();
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

/** A memory store that keeps a batch's journal in the state document, as the MongoDB store does a small one. */
class InlineJournalStore extends MemoryReadStore {
  override async saveJournal(_name: string, rounds: Round[]): Promise<JournalRef> {
    return { chunks: 0, text: JSON.stringify(rounds) };
  }

  override async loadJournal(name: string, ref?: JournalRef): Promise<Round[]> {
    return ref?.text === undefined ? super.loadJournal(name) : (JSON.parse(ref.text) as Round[]);
  }
}

/**
 * A batch costs three saves besides its documents (journal, pending, checkpoint). While events keep
 * coming, a batch's checkpoint now rides in the next batch's pending save, and a small journal in
 * the pending itself (on FerretDB each save is a document written alone).
 */
describe('a live runner whose batches follow one another', () => {
  it('given a burst behind a batch in flight, when both are written, then the second batch saves the first one\'s checkpoint, and the last is saved once the events stop', async () => {
    const store = new InlineJournalStore();
    const saves: Array<Partial<ProjectionState>> = [];
    const { journals, hold, release } = gatedJournals(store);
    const updateOne = store.updateOne.bind(store);
    store.updateOne = async (collection, filter, update, upsert) => {
      const set = (update as { $set?: Partial<ProjectionState> }).$set;
      if (collection === STATES && set && ('pending' in set || 'position' in set)) saves.push(set);
      return updateOne(collection, filter, update, upsert);
    };
    const log = appendableLog();
    const runner = new ProjectionRunner(log.source, store, counted, { owner: 'live', initialLoad: false, pollMs: 10_000 });
    runner.start();
    try {
      await until(() => runner.status === 'live');
      saves.length = 0;
      hold();
      log.append('b0');
      await until(() => journals.length === 1); // the first event's batch, held in flight
      for (let i = 1; i < 5; i++) log.append(`b${i}`);
      await until(() => runner.events === 5);
      release();
      expect(await runner.waitFor(5, 30_000)).toBe(true);
      await until(() => saves.some((s) => s.position === 5));
      const state = (await store.findOne(STATES, { _id: liveTarget(counted).state })) as unknown as ProjectionState;
      expect(saves.map((s) => [s.position, s.pending?.to])).toEqual([
        [undefined, 1],
        [1, 5],
        [5, undefined],
      ]);
      expect([state.position, state.pending]).toEqual([5, undefined]);
    } finally {
      await runner.stop();
    }
  }, 60_000);

  it('given batches written with their checkpoints deferred, when the runner stops, then the stored checkpoint is the last batch\'s and nothing is pending', async () => {
    const store = new InlineJournalStore();
    const log = appendableLog();
    const runner = new ProjectionRunner(log.source, store, counted, { owner: 'live', initialLoad: false, pollMs: 10_000 });
    runner.start();
    await until(() => runner.status === 'live');
    for (let i = 0; i < 30; i++) log.append(`b${i % 4}`);
    expect(await runner.waitFor(30, 30_000)).toBe(true);
    await runner.stop();
    const state = (await store.findOne(STATES, { _id: liveTarget(counted).state })) as unknown as ProjectionState;
    expect([state.position, state.pending, state.owner]).toEqual([30, undefined, undefined]);
  }, 60_000);

  const batchOf = (target: ReturnType<typeof liveTarget>, from: number, ids: string[]) => {
    const batch = new Batch(from, { maxEvents: 100, maxDocuments: 100 }, target.collection);
    ids.forEach((id, i) => {
      batch.add(op.upsert('branches', id, { $inc: { n: 1 } }), from + i + 1);
      batch.advance(from + i + 1);
    });
    batch.handOver();
    return batch;
  };

  it('given a store that keeps journals in a collection of their own, when a batch is written with its checkpoint deferred, then the checkpoint is saved at once', async () => {
    const store = new MemoryReadStore();
    const target = liveTarget(counted);
    const writer = new CopyWriter(store, counted, target, { owner: 'p1', leaseMs: 60_000 });
    expect(await writer.acquire()).toBe(true);
    await writer.prepare();
    await writer.write(batchOf(target, 0, ['b0', 'b1', 'b0']), true);
    expect(writer.committed).toBe(true);
    expect(((await store.findOne(STATES, { _id: target.state })) as unknown as ProjectionState).position).toBe(3);
    await writer.release();
  });

  it('given a deferred batch and the next one killed halfway through its writes, when a writer takes the copy over, then the journal in the state document finishes it and each event counts once', async () => {
    const store = new InlineJournalStore();
    const target = liveTarget(counted);
    const writer = () => new CopyWriter(store, counted, target, { owner: 'p1', leaseMs: 60_000 });
    const first = writer();
    expect(await first.acquire()).toBe(true);
    await first.prepare();
    await first.write(batchOf(target, 0, ['b0', 'b1', 'b0']), true);
    expect(first.committed).toBe(false);
    // the next batch: its first write lands, then the process dies
    const write = store.write.bind(store);
    store.write = async (collection: string, ops: readonly WriteOp[]) => {
      await write(collection, ops.slice(0, 1));
      throw new Error('killed');
    };
    await expect(first.write(batchOf(target, 3, ['b1', 'b2']), true)).rejects.toThrow('killed');
    first.pause();
    store.write = write;
    const stored = (await store.findOne(STATES, { _id: target.state })) as unknown as ProjectionState;
    expect([stored.position, stored.pending?.to, stored.pending?.chunks]).toEqual([3, 5, 0]);
    const restarted = writer(); // a restart under the same owner
    expect(await restarted.acquire()).toBe(true);
    expect((await restarted.prepare()).position).toBe(5);
    const docs = await store.find(target.collection('branches'), {}, { sort: { _id: 1 } });
    expect(docs.map((d) => [d._id, d.n])).toEqual([
      ['b0', 2],
      ['b1', 2],
      ['b2', 1],
    ]);
    await restarted.release();
  });
});
