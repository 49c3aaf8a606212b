/**
 * A runner SIGKILLed in the middle of a batch, on the real MongoDB-compatible server: the process
 * dies with half of a bulk write applied, its lease held and its batch pending; a new process
 * (another owner, so it must wait for the lease to expire) finishes that batch from the journal
 * and carries on. An initial load killed halfway through its inserts (its only one, or a later
 * write-out of a bounded load) starts again from empty documents. Then kills at random moments. Either way the documents end exactly as one clean
 * run leaves them. The runner runs compiled in a child process, as a service would.
 */
import { SqlEventStore } from '@register/event-store';
import { MongoReadStore, POS, ProjectionState, STATES } from '@register/read-models';
import { buildWhenStale, Fixture, randomBetween, until } from '../messaging/processes';
import { servers, uniqueName } from '../support/servers';
import { appendWorkload, branchDirectory } from './branch-directory';
import { RunnerFixtureConfig } from './fixtures/runner';
import { cleanRun, openLog, openMongo, SMALL_BATCHES, Snapshot, snapshot } from './support';

const SCRIPT = 'test/read-models/fixtures/runner.js';
const LEASE_MS = 3000;
/** A case's ceiling: each catches up 4,000 events on FerretDB, which a loaded machine (two jest workers and the servers on two cores) slows to minutes. */
const CASE_MS = 300_000;
/** What tsconfig.fixtures.json compiles (its `include`). */
const FIXTURE_SOURCES = ['libs', 'test/support', 'test/messaging/fixtures/config.ts', 'test/read-models'];

let log: SqlEventStore;
let schema: string;
let head: number;
let reference: Snapshot;
const fixtures: Fixture[] = [];

beforeAll(async () => {
  // Only the libraries and these fixtures: services/ may be mid-edit by someone else.
  buildWhenStale('test/read-models/tsconfig.fixtures.json', FIXTURE_SOURCES);
  schema = uniqueName('rm_kill');
  log = await openLog(schema);
  head = await appendWorkload(log, { events: 4000, branches: 40 });
  reference = await cleanRun(log, branchDirectory);
}, 300_000);

afterAll(async () => {
  for (const f of fixtures) await f.stop();
  await log?.close();
});

function runnerProcess(database: string, extra: Partial<RunnerFixtureConfig> = {}): Fixture {
  const config: RunnerFixtureConfig = { pgUrl: servers.postgresUrl, schema, mongoUrl: servers.mongoUrl, database, runner: { ...SMALL_BATCHES, leaseMs: LEASE_MS }, ...extra };
  const fixture = new Fixture(SCRIPT, config);
  fixtures.push(fixture);
  return fixture;
}

describe('a runner process killed mid-batch on FerretDB', () => {
  let mongo: MongoReadStore;
  let database: string;
  const state = async () => (await mongo.findOne(STATES, { _id: branchDirectory.name })) as ProjectionState | undefined;
  const caughtUp = async () => {
    const s = await state();
    return s?.position === head && !s.pending;
  };

  /** A runner process that freezes where `extra` says, SIGKILLed once it says it froze: where it froze. */
  const killedFrozen = async (extra: Partial<RunnerFixtureConfig>) => {
    const first = runnerProcess(database, extra);
    const starting = first.start(); // forks at once: listen before the child can say anything
    const frozen = new Promise<{ collection: string; written: number }>((resolve) =>
      first.child!.on('message', (m: { frozen?: { collection: string; written: number } }) => m.frozen && resolve(m.frozen)),
    );
    await starting;
    const at = await frozen;
    await first.kill();
    return at;
  };

  beforeEach(async () => {
    database = uniqueName('rm_kill');
    mongo = await openMongo(database);
  });
  afterEach(async () => {
    for (const f of fixtures) await f.stop(); // before the drop, or a runner still writing creates the database again
    await mongo.connection.db!.dropDatabase();
    await mongo.close();
  });

  it('frozen halfway through a bulk write, SIGKILLed there, and restarted: ends as one clean run', async () => {
    const first = runnerProcess(database, { freezeAtWrite: 9 });
    const starting = first.start(); // forks at once: listen before the child can say anything
    const frozen = new Promise<{ collection: string; ops: number; written: number }>((resolve) =>
      first.child!.on('message', (m: { frozen?: { collection: string; ops: number; written: number } }) => m.frozen && resolve(m.frozen)),
    );
    await starting;
    const at = await frozen;
    await first.kill();

    // The wreck: a batch pending in the journal, half of one of its bulk writes applied, the lease still held.
    const wreck = (await state())!;
    expect(wreck.pending).toBeDefined();
    expect(wreck.owner).toMatch(/^fixture#/);
    expect(wreck.until).toBeGreaterThan(Date.now() - 1000);
    // some of the half written are deletes (a member left), so count what was upserted past the checkpoint
    expect(await mongo.count(at.collection, { [POS]: { $gt: wreck.position } })).toBeGreaterThan(0);
    expect(await snapshot(mongo, branchDirectory)).not.toEqual(reference);

    const started = Date.now();
    await runnerProcess(database).start();
    await until('the restarted runner to reach the head', caughtUp, 180_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEASE_MS / 2); // it had to wait for the dead process's lease
    expect(await snapshot(mongo, branchDirectory)).toEqual(reference);
  }, CASE_MS);

  it('an initial load SIGKILLed halfway through its inserts, and restarted: starts again from empty documents and ends as one clean run', async () => {
    const load = { runner: { ...SMALL_BATCHES, initialLoad: undefined, leaseMs: LEASE_MS } };
    const at = await killedFrozen({ ...load, freezeAtInsert: true });

    // The wreck: documents half inserted, the checkpoint still at 0, the lease still held.
    const wreck = (await state())!;
    expect(wreck.position).toBe(0);
    expect(wreck.owner).toMatch(/^fixture#/);
    expect(await mongo.count(at.collection)).toBe(at.written);

    await runnerProcess(database, load).start();
    await until('the restarted runner to reach the head', caughtUp, 180_000);
    expect(await snapshot(mongo, branchDirectory)).toEqual(reference);
  }, CASE_MS);

  it('an initial load written out every 300 documents, SIGKILLed halfway through a later write-out, and restarted: starts again from empty documents and ends as one clean run', async () => {
    const load = { runner: { ...SMALL_BATCHES, initialLoad: 300, leaseMs: LEASE_MS } };
    const at = await killedFrozen({ ...load, freezeAtInsert: 4 });

    // The wreck: earlier write-outs and half of this one stored, the checkpoint still at 0.
    const wreck = (await state())!;
    expect(wreck.position).toBe(0);
    expect(await mongo.count(at.collection)).toBeGreaterThan(at.written);

    await runnerProcess(database, load).start();
    await until('the restarted runner to reach the head', caughtUp, 180_000);
    expect(await snapshot(mongo, branchDirectory)).toEqual(reference);
  }, CASE_MS);

  it('SIGKILLed at random moments while catching up, restarted each time: ends as one clean run', async () => {
    const runner = runnerProcess(database);
    let kills = 0;
    let midBatch = 0;
    await runner.start();
    while (kills < 6 && !(await caughtUp())) {
      await new Promise((r) => setTimeout(r, randomBetween(300, 1500)));
      await runner.kill();
      kills++;
      if ((await state())?.pending) midBatch++;
      await runner.start(); // a new process, a new owner: it waits for the dead one's lease
    }
    await until('the runner to reach the head after the kills', caughtUp, 180_000).catch(async (error: Error) => {
      // What the copy's state and the last runner were at the timeout: the one failure seen (under CI's load) said nothing more.
      const child = runner.child;
      throw new Error(`${error.message}; head ${head}, state ${JSON.stringify(await state())}, last runner ${child?.exitCode === null && child.signalCode === null ? 'running' : `gone (${child?.exitCode ?? child?.signalCode})`}`);
    });
    await runner.stop();
    expect(kills).toBeGreaterThan(0);
    expect(await snapshot(mongo, branchDirectory)).toEqual(reference);
    console.log(`read models: ${kills} random SIGKILLs, ${midBatch} of them with a batch pending`);
  }, CASE_MS);
});
