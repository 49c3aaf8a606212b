/**
 * Helpers of the read-model tests: open the real PostgreSQL log and the real MongoDB-compatible
 * server, take a deterministic snapshot of a projection's documents, run a clean reference build,
 * and stores/sources that misbehave on purpose (an interrupted write, a duplicate delivery).
 */
import { RecordedEvent } from '@register/event-sourcing';
import { openPostgresEventStore, SqlEventStore } from '@register/event-store';
import { AnyProjection, canonical, Doc, EventSource, liveTarget, MemoryReadStore, MongoReadStore, ProjectionRunner, ReadStore, RunnerOptions, Target, WriteOp } from '@register/read-models';
import { servers } from '../support/servers';

/** Small batches and pages, so that a few thousand events make many batches with several rounds each. */
export const SMALL_BATCHES: RunnerOptions = { initialLoad: false, pageSize: 100, maxBatchEvents: 250, maxBatchDocuments: 60, leaseMs: 5000, retryMs: 100, claimEveryMs: 200, pollMs: 100 };

export function openLog(schema: string): Promise<SqlEventStore> {
  return openPostgresEventStore(servers.postgresUrl, schema);
}

export function openMongo(database: string): Promise<MongoReadStore> {
  return MongoReadStore.connect(servers.mongoUrl, database);
}

export type Snapshot = Record<string, Doc[]>;

/**
 * Every document of every collection of a copy, in `_id` order, `_pos` included (it is
 * deterministic: the position of the last event that wrote the document), in a canonical form
 * (sorted fields, plain JSON), so that two stores' or two runs' documents compare with toEqual.
 */
export async function snapshot(store: ReadStore, projection: AnyProjection, target: Target = liveTarget(projection)): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const name of Object.keys(projection.collections)) {
    const docs: Doc[] = [];
    for await (const doc of store.scan(target.collection(name))) docs.push(JSON.parse(canonical(doc)) as Doc);
    out[name] = docs;
  }
  return out;
}

/** The reference: one clean run of the projection from the log into a fresh memory store, default batches. */
export async function cleanRun(source: EventSource, projection: AnyProjection): Promise<Snapshot> {
  const store = new MemoryReadStore();
  await new ProjectionRunner(source, store, projection, { owner: 'clean-run' }).runOnce();
  return snapshot(store, projection);
}

export const sizes = (s: Snapshot) => Object.fromEntries(Object.entries(s).map(([c, docs]) => [c, docs.length]));

/**
 * A store whose `failAt`-th unguarded write (counting calls of `write` with at least two writes)
 * applies only its first half and then throws: a batch interrupted halfway, as a crash would leave it.
 */
export function interruptingStore(inner: ReadStore, failAt: number[]): ReadStore & { interrupted: number } {
  let calls = 0;
  const wrapper = Object.create(inner) as ReadStore & { interrupted: number };
  wrapper.interrupted = 0;
  wrapper.write = async (collection: string, ops: readonly WriteOp[], guarded: boolean) => {
    if (!guarded && ops.length >= 2 && failAt.includes(++calls)) {
      await inner.write(collection, ops.slice(0, Math.ceil(ops.length / 2)), guarded);
      wrapper.interrupted++;
      throw new Error(`interrupted on purpose halfway through a write of ${ops.length} to ${collection}`);
    }
    return inner.write(collection, ops, guarded);
  };
  return wrapper;
}

/**
 * A log that delivers every event twice, and whose pages start a few events before where they were
 * asked to (at-least-once delivery, as from a broker that redelivers).
 */
export function duplicatingSource(inner: EventSource): EventSource {
  const again = async (after: number, limit: number): Promise<RecordedEvent[]> => {
    const page = await inner.readAll(after, limit);
    const earlier = after > 0 ? (await inner.readAll(Math.max(0, after - 7), 7)).filter((e) => e.position <= after) : [];
    return [...earlier, ...page.flatMap((e) => [e, e])].slice(0, Math.max(limit, earlier.length + 1));
  };
  return {
    readAll: again,
    headPosition: () => inner.headPosition(),
    subscribe: (after, handler, options) =>
      inner.subscribe(
        after,
        async (event) => {
          await handler(event);
          await handler(event);
        },
        options,
      ),
  };
}
