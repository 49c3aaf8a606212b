/**
 * The memory read store as the embedded snapshot keeps it: taken in the middle of a batch (its
 * journal saved, `pending` set, half a bulk write applied, the lease held by the process that
 * then dies), copied through v8 and restored into a new store, a runner of another process resumes
 * at once from the checkpoint kept in the store, finishes the batch from its journal, reads only the
 * log after it, and leaves exactly the documents of one clean run.
 */
import { deserialize, serialize } from 'node:v8';
import { SqlEventStore } from '@register/event-store';
import { MemoryReadStore, ProjectionRunner, ProjectionState, ReadStore, STATES, WriteOp } from '@register/read-models';
import { uniqueName } from '../support/servers';
import { appendWorkload, branchDirectory } from '../read-models/branch-directory';
import { cleanRun, openLog, SMALL_BATCHES, snapshot, Snapshot } from '../read-models/support';

/**
 * The same data built in this realm: jest runs the test in a vm context, where v8.deserialize's
 * objects (built in node's own context) are not plain objects to the store's checks. A process of
 * the register has one context.
 */
function thisRealm(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(thisRealm);
  const tag = Object.prototype.toString.call(v);
  if (tag === '[object Map]') return new Map([...(v as Map<unknown, unknown>)].map(([k, x]) => [thisRealm(k), thisRealm(x)]));
  if (tag === '[object Set]') return new Set([...(v as Set<unknown>)].map(thisRealm));
  if (tag === '[object Date]') return new Date((v as Date).getTime());
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, thisRealm(x)]));
}

let log: SqlEventStore;
let head: number;
let reference: Snapshot;

beforeAll(async () => {
  log = await openLog(uniqueName('snap_rs'));
  head = await appendWorkload(log, { events: 3000, branches: 30 });
  reference = await cleanRun(log, branchDirectory);
}, 300_000);

afterAll(async () => {
  await log?.close();
});

it('a runner resumes from a snapshot taken mid-batch: the batch redone from its journal, the log read after it only', async () => {
  const first = new MemoryReadStore();
  const inner: ReadStore = first;
  let writes = 0;
  let taken: unknown;
  // The snapshot is taken halfway through the 5th bulk write of a batch (as a quiet tick may fall there).
  const observed = Object.create(first) as ReadStore;
  observed.write = async (collection: string, ops: readonly WriteOp[], guarded: boolean) => {
    if (guarded || ops.length < 2 || ++writes !== 5) return inner.write(collection, ops, guarded);
    const half = Math.ceil(ops.length / 2);
    const applied = await inner.write(collection, ops.slice(0, half), guarded);
    taken = thisRealm(deserialize(serialize(first.snapshotState())));
    const rest = await inner.write(collection, ops.slice(half), guarded);
    return { applied: applied.applied + rest.applied };
  };
  await new ProjectionRunner(log, observed, branchDirectory, { ...SMALL_BATCHES, owner: 'the-process-that-died' }).runOnce(undefined, true);
  expect(await snapshot(first, branchDirectory)).toEqual(reference); // the observation changed nothing

  const restored = new MemoryReadStore();
  restored.restoreState(taken);
  const state = (await restored.findOne(STATES, { _id: branchDirectory.name })) as unknown as ProjectionState;
  expect(state.pending?.to).toBeGreaterThan(state.position); // a batch half written: its journal must be replayed
  expect(state.owner).toBeUndefined(); // the dead process's lease does not hold the new one back

  const resumed = new ProjectionRunner(log, restored, branchDirectory, { ...SMALL_BATCHES, owner: 'the-next-process' });
  const outcome = await resumed.runOnce();
  expect(outcome.position).toBe(head);
  // From the redone batch's end: nothing before it read again (the events of the projection's types after it).
  const after = (await log.readAll(state.pending!.to, head)).filter((e) => branchDirectory.handlerFor(e.type)).length;
  expect(outcome.events).toBe(after);
  expect(await snapshot(restored, branchDirectory)).toEqual(reference);
});
