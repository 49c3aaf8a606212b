/**
 * Rebuilds and minPosition, on FerretDB and on the memory store, from the real PostgreSQL log:
 * a shadow rebuild + diff of a projection that a running runner keeps live reports 0 differences;
 * a live rebuild (with the runner still running) switches the rebuilt copy in and the runner
 * carries on from it; the rebuild CLI does the same from the command line; a query with
 * minPosition waits until the read model has that position, and gives up after its bound.
 */
import { SqlEventStore } from '@register/event-store';
import {
  liveTarget,
  MemoryReadStore,
  MongoReadStore,
  ProjectionQueries,
  ProjectionRunner,
  ProjectionState,
  ReadModelBehind,
  ReadStore,
  rebuildLive,
  rebuildShadowDiff,
  registerProjection,
  shadowTarget,
  STATES,
} from '@register/read-models';
import { runRebuildCli } from '../../libs/read-models/src/cli/rebuild';
import { until } from '../messaging/processes';
import { servers, uniqueName } from '../support/servers';
import { appendWorkload, branchDirectory } from './branch-directory';
import { cleanRun, openLog, openMongo, SMALL_BATCHES, snapshot } from './support';

let log: SqlEventStore;
let schema: string;

beforeAll(async () => {
  schema = uniqueName('rm_rebuild');
  log = await openLog(schema);
  await appendWorkload(log, { events: 2000, branches: 30 });
});

afterAll(async () => {
  await log?.close();
});

interface StoreKind {
  name: string;
  open(): Promise<ReadStore>;
  dispose(store: ReadStore): Promise<void>;
}

const kinds: StoreKind[] = [
  {
    name: 'FerretDB',
    open: () => openMongo(uniqueName('rm_rebuild')),
    dispose: async (store) => {
      await (store as MongoReadStore).connection.db!.dropDatabase();
      await store.close();
    },
  },
  { name: 'memory store', open: async () => new MemoryReadStore(), dispose: (store) => store.close() },
];

// The rebuild's own lease: long enough that a FerretDB renewal slowed by a loaded machine (two
// jest workers and the servers on two cores) does not lapse mid-write; nothing here waits for it to expire.
const REBUILD_LEASE_MS = 10_000;
const small = { pageSize: SMALL_BATCHES.pageSize, maxBatchEvents: SMALL_BATCHES.maxBatchEvents, maxBatchDocuments: SMALL_BATCHES.maxBatchDocuments };

describe.each(kinds)('on the $name', (kind) => {
  let store: ReadStore;
  let runner: ProjectionRunner;
  beforeAll(async () => {
    store = await kind.open();
    // The service's runner, following the log live all along; the rebuilds must take it over and give it back.
    runner = new ProjectionRunner(log, store, branchDirectory, { ...SMALL_BATCHES, owner: 'service', leaseMs: 2000 });
    runner.start();
    await until('the service runner to be live', () => runner.status === 'live', 120_000);
  });
  afterAll(async () => {
    await runner?.stop();
    await kind.dispose(store);
  });
  const state = async (name = branchDirectory.name) => (await store.findOne(STATES, { _id: name })) as ProjectionState | undefined;

  it('waits for minPosition: true once the read model has it, false after the bound', async () => {
    const position = await appendWorkload(log, { events: 40, seed: 11, branches: 30, perAppend: 10, stream: uniqueName('wait') });
    expect(await runner.waitFor(position, 30_000)).toBe(true);
    expect(runner.position).toBeGreaterThanOrEqual(position);
    // what another process reads: the stored checkpoint follows the documents within a save (a live
    // batch's checkpoint rides in the next batch's pending save, or is saved once the events stop)
    await until('the stored checkpoint to reach the position', async () => (await state())!.position >= position, 5_000);
    // It waits the bound, then answers false (a wait with no bound would never answer here).
    const t0 = Date.now();
    expect(await runner.waitFor(position + 1_000_000, 300)).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);

    // The query side (controllers): require() takes a position beyond the log's head (another log's)
    // for the head, and is ReadModelBehind (503) past the bound for one the log holds but the copy has not applied.
    const queries = new ProjectionQueries(branchDirectory, store, liveTarget(branchDirectory), runner, 300);
    await expect(queries.require(position)).resolves.toBe(queries);
    await expect(queries.require(position + 1_000_000)).resolves.toBe(queries);
    const aheadLog = { position: runner.position, source: { headPosition: async () => position + 1_000_000 }, waitFor: (p: number, ms: number) => runner.waitFor(p, ms) };
    const behind = new ProjectionQueries(branchDirectory, store, liveTarget(branchDirectory), aheadLog as unknown as ProjectionRunner, 300);
    await expect(behind.require(position + 1_000_000)).rejects.toBeInstanceOf(ReadModelBehind);
  });

  it('waits for minPosition on a standby runner too (another process holds the copy): from the stored checkpoint', async () => {
    const standby = new ProjectionRunner(log, store, branchDirectory, { ...SMALL_BATCHES, owner: 'standby' });
    standby.start();
    try {
      await until('the second runner to stand by', () => standby.status === 'standby', 30_000);
      const waiting = standby.waitFor(Number.MAX_SAFE_INTEGER, 200);
      const position = await appendWorkload(log, { events: 20, seed: 12, branches: 30, perAppend: 20, stream: uniqueName('wait') });
      expect(await waiting).toBe(false);
      expect(await standby.waitFor(position, 30_000)).toBe(true);
      expect(standby.status).toBe('standby');
    } finally {
      await standby.stop();
    }
  });

  it('a shadow rebuild and diff reports 0 differences, while the service runner keeps the live copy', async () => {
    const report = await rebuildShadowDiff(log, store, branchDirectory, { runner: small, leaseMs: REBUILD_LEASE_MS, owner: 'rebuild' });
    expect(report.diff!.differences).toBe(0);
    expect(report.diff!.collections.map((c) => c.collection)).toEqual(Object.keys(branchDirectory.collections).map(liveTarget(branchDirectory).collection));
    expect(report.documents.members).toBeGreaterThan(100);
    expect(report.position).toBe(await log.headPosition());
    expect(await state(shadowTarget(branchDirectory).state)).toBeUndefined(); // the shadow copy is gone
    // and the service runner got its copy back
    const position = await appendWorkload(log, { events: 20, seed: 13, branches: 30, stream: uniqueName('after') });
    expect(await runner.waitFor(position, 30_000)).toBe(true);
    expect(await snapshot(store, branchDirectory)).toEqual(await cleanRun(log, branchDirectory));
  });

  it('a live rebuild switches the rebuilt copy in; the service runner carries on from it', async () => {
    const before = await store.listCollections();
    // A change made behind the projection's back: the rebuild must replace it with what the log says.
    await store.write(liveTarget(branchDirectory).collection('branches'), [{ _id: 'b00001', pos: 1e12, update: { $set: { name: 'hỏng' } }, upsert: false }], true);
    const report = await rebuildLive(log, store, branchDirectory, { runner: small, leaseMs: REBUILD_LEASE_MS, owner: 'rebuild' });
    expect(report.mode).toBe('live');
    expect(report.position).toBe(await log.headPosition());
    expect((await store.findOne(liveTarget(branchDirectory).collection('branches'), { _id: 'b00001' }))?.name).not.toBe('hỏng');
    expect((await store.listCollections()).filter((c) => c.includes('~shadow'))).toEqual([]);
    expect((await store.listCollections()).sort()).toEqual(before.sort());
    expect((await state())!.position).toBe(report.position);
    const position = await appendWorkload(log, { events: 30, seed: 14, branches: 30, stream: uniqueName('after') });
    expect(await runner.waitFor(position, 30_000)).toBe(true);
    expect(await snapshot(store, branchDirectory)).toEqual(await cleanRun(log, branchDirectory));
    expect(runner.status).toBe('live');
  });
});

describe('the rebuild CLI (npm run rebuild)', () => {
  it('runs shadow-diff and live on FerretDB and prints the figures', async () => {
    const service = uniqueName('rmcli');
    const database = uniqueName('rm_cli');
    const own = await openLog(service); // the CLI reads the service's log: the schema named after the service
    const mongo = await openMongo(database);
    try {
      await appendWorkload(own, { events: 800, branches: 20 });
      registerProjection(service, branchDirectory);
      await new ProjectionRunner(own, mongo, branchDirectory, { owner: 'service' }).runOnce();
      const lines: string[] = [];
      const args = ['--service', service, '--pg', servers.postgresUrl, '--mongo', servers.mongoUrl, '--db', database];
      expect(await runRebuildCli([...args, '--mode', 'shadow-diff'], (l: string) => lines.push(l))).toBe(0);
      expect(await runRebuildCli([...args, '--mode', 'live', '--projection', branchDirectory.name], (l: string) => lines.push(l))).toBe(0);
      const rows = lines.filter((l: string) => l.startsWith(branchDirectory.name));
      expect(rows).toHaveLength(2);
      // The events column: those of the projection's types, what a rebuild reads (the workload has others).
      const handled = (await own.readAll(0, 800)).filter((e) => branchDirectory.handlerFor(e.type)).length;
      expect(handled).toBeLessThan(800);
      expect(rows[0]).toMatch(new RegExp(`^branch-directory\\s+shadow-diff\\s+${handled}\\s+\\S+\\s+\\d+\\s+\\d+\\s+branches:\\d+ units:\\d+ members:\\d+\\s+0$`));
      expect(rows[1]).toMatch(/^branch-directory\s+live\s+\d+/);
      // a damaged live copy: exit code 2 and the differing document named
      await mongo.write(liveTarget(branchDirectory).collection('units'), [{ _id: 'u1', pos: 1e12, update: { $inc: { branches: 5 } }, upsert: false }], true);
      const more: string[] = [];
      expect(await runRebuildCli([...args, '--mode', 'shadow-diff'], (l: string) => more.push(l))).toBe(2);
      expect(more.join('\n')).toMatch(/different u1 fields _pos, branches/);
    } finally {
      await mongo.connection.db!.dropDatabase();
      await mongo.close();
      await own.close();
    }
  });
});
