/**
 * A service SIGKILLed and started again: its predecessor's lease is still in each copy's state
 * document, for up to `leaseMs`. Under an instance name (REGISTER_INSTANCE_ID) the new process is
 * the same owner and takes its copies back at once; without one it is another owner and stands by
 * until that lease runs out (docs/faults.md: the recovery time it cost).
 */
import { SqlEventStore } from '@register/event-store';
import { MemoryReadStore, ProjectionRunner, STATES } from '@register/read-models';
import { until } from '../messaging/processes';
import { uniqueName } from '../support/servers';
import { appendWorkload, branchDirectory } from './branch-directory';
import { openLog, SMALL_BATCHES } from './support';

let log: SqlEventStore;

beforeAll(async () => {
  log = await openLog(uniqueName('rm_restart'));
  await appendWorkload(log, { events: 200, branches: 10 });
});

afterAll(async () => {
  await log?.close();
  delete process.env.REGISTER_INSTANCE_ID;
});

/** A read store whose copy a dead process holds: its lease runs for ten more minutes. */
async function heldByDeadPredecessor(owner: string): Promise<MemoryReadStore> {
  const store = new MemoryReadStore();
  const state = { owner, until: Date.now() + 10 * 60_000, position: 0, highWater: 0, version: branchDirectory.version };
  await store.updateOne(STATES, { _id: branchDirectory.name }, { $set: state }, true);
  return store;
}

/** Where a new runner goes first: writing the copy (catching up, then live) or standing by. */
async function firstMove(store: MemoryReadStore): Promise<string> {
  const runner = new ProjectionRunner(log, store, branchDirectory, SMALL_BATCHES);
  runner.start();
  try {
    await until('the runner to take the copy or stand by', () => ['live', 'standby', 'failed'].includes(runner.status), 60_000);
    return runner.status;
  } finally {
    await runner.stop();
  }
}

describe("a restarted process and its predecessor's lease", () => {
  it('takes its copy back at once under the same instance name', async () => {
    process.env.REGISTER_INSTANCE_ID = 'personnel-0';
    expect(await firstMove(await heldByDeadPredecessor('personnel-0'))).toBe('live');
  });

  it('stands by under another instance name, and without one (host and pid)', async () => {
    process.env.REGISTER_INSTANCE_ID = 'personnel-1';
    expect(await firstMove(await heldByDeadPredecessor('personnel-0'))).toBe('standby');
    delete process.env.REGISTER_INSTANCE_ID;
    expect(await firstMove(await heldByDeadPredecessor('personnel-0'))).toBe('standby');
  });
});
