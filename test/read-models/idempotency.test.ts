/**
 * Issue 5's acceptance for projections: the same events given twice, or a runner interrupted or
 * killed in the middle of a batch and started again, end with exactly the documents of one clean
 * run. On the real MongoDB-compatible server (FerretDB) and on the embedded memory store, from the
 * real PostgreSQL log. Both ways a copy is written: an initial load from nothing, and batches. "Exactly": every document of every collection, `_pos` included, compared
 * with a clean run into a fresh memory store with default batches (so the stores agree too).
 */
import { SqlEventStore } from '@register/event-store';
import { MemoryReadStore, MongoReadStore, ProjectionRunner, ProjectionState, ReadStore, RunnerOptions, STATES } from '@register/read-models';
import { until } from '../messaging/processes';
import { uniqueName } from '../support/servers';
import { appendWorkload, branchDirectory } from './branch-directory';
import { cleanRun, duplicatingSource, interruptingStore, openLog, openMongo, sizes, SMALL_BATCHES, Snapshot, snapshot } from './support';

const EVENTS = 3000;

let log: SqlEventStore;
let schema: string;
let head: number;
/** The events of the types the projection handles: what a catch-up is given (the workload has others). */
let handled: number;
let reference: Snapshot;

beforeAll(async () => {
  schema = uniqueName('rm_idem');
  log = await openLog(schema);
  head = await appendWorkload(log, { events: EVENTS, branches: 40 });
  handled = (await log.readAll(0, EVENTS)).filter((e) => branchDirectory.handlerFor(e.type)).length;
  expect(handled).toBeLessThan(EVENTS);
  reference = await cleanRun(log, branchDirectory);
});

afterAll(async () => {
  await log?.close();
});

it('the workload gives a directory worth comparing', () => {
  const s = sizes(reference);
  expect(s.branches).toBeGreaterThan(40);
  expect(s.units).toBeGreaterThan(2);
  expect(s.members).toBeGreaterThan(500);
  expect(reference.branches.some((b) => b.status === 'merged')).toBe(true);
  expect(reference.members.some((m) => (m.moves as unknown[]).length > 1)).toBe(true);
});

interface StoreKind {
  name: string;
  open(): Promise<ReadStore>;
  dispose(store: ReadStore): Promise<void>;
}

const kinds: StoreKind[] = [
  {
    name: 'FerretDB',
    open: () => openMongo(uniqueName('rm_idem')),
    dispose: async (store) => {
      await (store as MongoReadStore).connection.db!.dropDatabase();
      await store.close();
    },
  },
  { name: 'memory store', open: async () => new MemoryReadStore(), dispose: (store) => store.close() },
];

describe.each(kinds)('on the $name', (kind) => {
  let store: ReadStore;
  beforeEach(async () => {
    store = await kind.open();
  });
  afterEach(async () => {
    await kind.dispose(store);
  });

  const run = (s: ReadStore = store, source = log as Parameters<typeof cleanRun>[0]) => new ProjectionRunner(source, s, branchDirectory, { ...SMALL_BATCHES, owner: 'test' }).runOnce();
  const state = async () => (await store.findOne(STATES, { _id: branchDirectory.name })) as unknown as ProjectionState;

  it('builds in many small batches exactly what one clean run builds', async () => {
    const result = await run();
    expect(result.position).toBe(head);
    expect(await snapshot(store, branchDirectory)).toEqual(reference);
  });

  it('is unchanged by a second pass over the same events: checkpoint set back to 0 by hand', async () => {
    await run();
    await store.updateOne(STATES, { _id: branchDirectory.name }, { $set: { position: 0 } }, false);
    await run(); // resumes at the furthest position ever written (highWater) rather than counting twice
    expect(await snapshot(store, branchDirectory)).toEqual(reference);
    expect((await state()).position).toBe(head);
  });

  it('is unchanged when the checkpoint is lost (state document gone): it starts again from empty documents', async () => {
    await run();
    await store.deleteOne(STATES, branchDirectory.name);
    const again = await run();
    expect(again.events).toBe(handled); // every event of its types really was given a second time
    expect(await snapshot(store, branchDirectory)).toEqual(reference);
  });

  it('is unchanged when every event is delivered twice and pages overlap (at-least-once delivery)', async () => {
    await run(store, duplicatingSource(log));
    expect(await snapshot(store, branchDirectory)).toEqual(reference);
  });

  it.each([
    ['caught up in batches', false as const],
    ['built by an initial load', undefined],
  ])('is unchanged when, following the log live (%s), every new event is delivered twice', async (_how, initialLoad) => {
    const own = await openLog(uniqueName('rm_idem_live'));
    try {
      await appendWorkload(own, { events: 500, branches: 20 });
      const runner = new ProjectionRunner(duplicatingSource(own), store, branchDirectory, { ...SMALL_BATCHES, initialLoad, owner: 'test' });
      runner.start();
      try {
        await until('the runner to follow the log live', () => runner.status === 'live', 120_000);
        // appended while it follows: small appends, so that events arrive one burst at a time
        const last = await appendWorkload(own, { events: 300, seed: 7, branches: 20, perAppend: 5, stream: 'live' });
        expect(await runner.waitFor(last, 60_000)).toBe(true);
        expect(runner.status).toBe('live'); // the new events came through the subscription, each twice
      } finally {
        await runner.stop();
      }
      expect(await snapshot(store, branchDirectory)).toEqual(await cleanRun(own, branchDirectory));
    } finally {
      await own.close();
    }
  });

  /** One run from nothing in pages of 50, checked against the clean run: what its logger said. */
  const loadSaying = async (options: RunnerOptions): Promise<string[]> => {
    const said: string[] = [];
    const logger = { log: (line: string) => said.push(line), warn: () => undefined, error: () => undefined };
    const result = await new ProjectionRunner(log, store, branchDirectory, { owner: 'test', pageSize: 50, ...options, logger }).runOnce();
    expect(result).toEqual({ position: head, events: handled });
    expect(await snapshot(store, branchDirectory)).toEqual(reference);
    return said;
  };

  it('builds from nothing in one initial load read ahead on a worker (pages of 50), written out every 400 documents where the store is not memory, exactly what one clean run builds', async () => {
    const said = await loadSaying({ initialLoad: 400 });
    const spills = said.filter((line) => line.includes('(400 documents held)')).length;
    if (kind.name === 'memory store') expect(spills).toBe(0);
    else expect(spills).toBeGreaterThan(1); // documents written out are read back and written again
  });

  it("builds from nothing in an initial load written out by the heap's budget (share 0: past it from the first page), exactly what one clean run builds", async () => {
    const said = await loadSaying({ initialLoadHeapShare: 0 });
    // the memory store's documents are the store itself: no budget there
    const spills = said.filter((line) => line.includes('initial load writes out'));
    if (kind.name === 'memory store') expect(spills).toHaveLength(0);
    else expect(spills[0]).toMatch(/writes out its [1-9]\d* documents at position [1-9]\d* \(heap in use past 0 of its limit\)/);
  });

  it('an initial load that fails halfway (the log away for a moment), retried by the runner, ends as one clean run', async () => {
    const runner = new ProjectionRunner(failingOnce(log, 4), store, branchDirectory, { ...SMALL_BATCHES, initialLoad: undefined, owner: 'test' });
    runner.start();
    try {
      await until('the runner to reach the head despite the failure', async () => runner.position >= head, 120_000);
    } finally {
      await runner.stop();
    }
    expect(await snapshot(store, branchDirectory)).toEqual(reference);
  });

  it('interrupted halfway through three batches, and retried by the runner, ends as one clean run', async () => {
    const flaky = interruptingStore(store, [3, 8, 14]);
    const runner = new ProjectionRunner(log, flaky, branchDirectory, { ...SMALL_BATCHES, owner: 'test' });
    runner.start();
    try {
      await until('the runner to reach the head despite the interruptions', async () => runner.position >= head, 120_000);
    } finally {
      await runner.stop();
    }
    expect(flaky.interrupted).toBe(3);
    expect(await snapshot(store, branchDirectory)).toEqual(reference);
    expect((await state()).pending).toBeUndefined();
  });
});

it('an initial load into FerretDB interrupted halfway through its inserts, retried by the runner, ends as one clean run', async () => {
  const store = await openMongo(uniqueName('rm_idem_load'));
  try {
    let failures = 0;
    const flaky = Object.create(store) as ReadStore;
    flaky.insert = async (collection, docs) => {
      const all = [...docs];
      if (failures++ === 0 && all.length >= 2) {
        await store.insert(collection, all.slice(0, Math.ceil(all.length / 2)));
        throw new Error(`interrupted on purpose halfway through inserting ${all.length} documents into ${collection}`);
      }
      return store.insert(collection, all);
    };
    const runner = new ProjectionRunner(log, flaky, branchDirectory, { ...SMALL_BATCHES, initialLoad: undefined, owner: 'test' });
    runner.start();
    try {
      await until('the runner to reach the head despite the interruption', async () => runner.position >= head, 120_000);
    } finally {
      await runner.stop();
    }
    expect(failures).toBeGreaterThan(1);
    expect(await snapshot(store, branchDirectory)).toEqual(reference);
  } finally {
    await store.connection.db!.dropDatabase();
    await store.close();
  }
});

/** The log, whose `failAt`-th page read fails once (a connection lost in the middle of a catch-up). */
function failingOnce(inner: SqlEventStore, failAt: number): Parameters<typeof cleanRun>[0] {
  let reads = 0;
  return {
    readAll: async (after, limit) => {
      if (++reads === failAt) throw new Error('the log is away, on purpose');
      return inner.readAll(after, limit);
    },
    subscribe: (after, handler, options) => inner.subscribe(after, handler, options),
    headPosition: () => inner.headPosition(),
  };
}
