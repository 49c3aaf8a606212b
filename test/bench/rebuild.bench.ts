/**
 * Every projection of every service (the registry the rebuild CLI uses), rebuilt from an embedded
 * register's logs into the embedded memory store and into FerretDB, each beside that store's own
 * bulk insert of the same final documents, in the same run (issue 21: a projection rebuilds at
 * ≥ 0.8× its store's own bulk insert, ratio = bulk insert time / rebuild time).
 *
 * The log: the PGlite event logs of an embedded data folder (REBUILD_DATA_DIR, e.g. a copy of a
 * district grown by `npm run scale:generate`; it is opened read-write, so pass a copy), each service
 * read as the CLI reads it (upcast, personnel's personal data opened with the member keys).
 * The rebuild: `rebuildLive` as `npm run rebuild -- --mode live` runs it (a shadow copy built from
 * position 0 by the runner's initial load, then switched in), timed whole; a proxy of the store
 * times what it spends inserting (the initial load's writes), counting the rebuilt documents for
 * the report, and switching in (FerretDB v1 copies the documents: it cannot rename our dotted
 * collections). Beside it, the plain read of the same log
 * (readAll pages, nothing done with the events), so that the rest shows the fold.
 * The baseline: the rebuilt live copy's documents, read back, then inserted with plain insertMany
 * calls of 1000 (the memory store: its `insert`) into an empty collection of the same indexes in
 * the same store; only the inserts are timed.
 *
 * Run: REBUILD_DATA_DIR=/tmp/rb-district npm run bench:rebuild
 *   env REGISTER_MONGO_URL (default mongodb://127.0.0.1:27017/), REBUILD_STORES (memory,ferretdb),
 *   REBUILD_FERRET_EVENTS (FerretDB rebuilds only the first N events of each log), REBUILD_SERVICES,
 *   REBUILD_LEASE_MS (the rebuilds' lease, 30 s: a short one shows that it is renewed during the read).
 *
 * REBUILD_MODE=live: instead, each projection's live runner on FerretDB (live-rate.ts), as the
 * service runs it, from position 0 to the head, timed to its checkpoint, beside FerretDB's bulk
 * insert of the same final documents; then a steady tail (the log's last events re-fed at fixed
 * paces through the runner's live path) and its lag. LIVE_PATHS (initial,batches: the catch-up as
 * a service's first start runs it, its initial load; and in batches, as a runner behind from a
 * checkpoint above 0 runs it), LIVE_MAX_SECONDS (300: a catch-up stopped there gives a lower bound),
 * LIVE_TAIL_EVENTS (1000 per pace, at most a fifth of the log), LIVE_TAIL_RATES (100,500 events/s).
 * Figures in bench-results/live.json.
 *
 * REBUILD_MODE=growth: instead, the per-event cost of each projection (batches on the memory store)
 * and of each in-memory replica (fed by its consumers) over a window of the log ending at 10% and
 * at 100% of it (growth.ts; GROWTH_MIN_WINDOW, GROWTH_MIN_REPEATS, GROWTH_REPEATS, GROWTH_REPEAT_SECONDS). Figures in
 * bench-results/growth.json.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventSchemas, EventStore, UpcastingEventStore } from '@register/event-sourcing';
import { createPglite, pgliteClient, pgliteThreadClient, SqlClient, SqlEventStore } from '@register/event-store';
import { AnyProjection, liveTarget, logReaderOf, MemoryReadStore, MongoReadStore, ReadStore, rebuildLive } from '@register/read-models';
import { loadProjections, parseArgs } from '../../libs/read-models/src/cli/rebuild';
import { environment, positionOf, printTable, round, writeResults } from './bench-util';
import { GrowthService, mainGrowth } from './growth';
import { LiveResult, measureLive, positionsOf } from './live-rate';

const DATA_DIR = process.env.REBUILD_DATA_DIR;
const MONGO_URL = process.env.REGISTER_MONGO_URL ?? 'mongodb://127.0.0.1:27017/';
const STORES = (process.env.REBUILD_STORES ?? 'memory,ferretdb').split(',');
const FERRET_EVENTS = Number(process.env.REBUILD_FERRET_EVENTS ?? Infinity);
const PAGE = 1000;
const LEASE_MS = Number(process.env.REBUILD_LEASE_MS ?? 30_000);
const BULK = 1000;
const TARGET = 0.8;
/** rebuild (default): the table above; live: each projection's live runner on FerretDB (live-rate.ts); growth: per-event cost at 10% and 100% of each log, in memory (growth.ts). */
const MODE = process.env.REBUILD_MODE ?? 'rebuild';
/** live: how the catch-up from 0 runs: `initial` as the service runs it (its initial load), `batches` as a runner behind from a checkpoint above 0 does (initialLoad: false). */
const LIVE_PATHS = (process.env.LIVE_PATHS ?? 'initial,batches').split(',');
const LIVE_MAX_SECONDS = Number(process.env.LIVE_MAX_SECONDS ?? 300);
const LIVE_TAIL_EVENTS = Number(process.env.LIVE_TAIL_EVENTS ?? 1000);
/** The tail: LIVE_TAIL_EVENTS events released at each pace of LIVE_TAIL_RATES (events/s) in turn. */
const LIVE_TAIL_RATES = (process.env.LIVE_TAIL_RATES ?? '100,500').split(',').map(Number);
const LIVE_TARGET = 500;

type Log = Pick<EventStore, 'readAll' | 'subscribe' | 'headPosition' | 'readPages'>;

/** Services that register projections for the rebuild CLI (`services/<name>/src/projections`). */
function servicesWithProjections(): string[] {
  if (process.env.REBUILD_SERVICES) return process.env.REBUILD_SERVICES.split(',');
  const root = join(__dirname, '..', '..', 'services');
  return readdirSync(root).filter((s) => ['.js', '.ts'].some((ext) => existsSync(join(root, s, 'src', `projections${ext}`))));
}

/** The log up to its n-th event only: what a rebuild of the first events reads. */
function firstEvents(log: Log, until: number): Log {
  return {
    headPosition: async () => Math.min(until, await log.headPosition()),
    readAll: async (after, limit) => (await log.readAll(after, limit)).filter((e) => e.position <= until),
    subscribe: log.subscribe.bind(log),
  };
}


/** The log read in the runner's pages, nothing done with the events: the floor under any rebuild from it. */
async function plainRead(log: Log): Promise<{ events: number; seconds: number }> {
  const head = await log.headPosition();
  const t0 = performance.now();
  let after = 0;
  let events = 0;
  for (;;) {
    const page = await log.readAll(after, PAGE);
    events += page.length;
    if (page.length < PAGE || page[page.length - 1].position >= head) break;
    after = page[page.length - 1].position;
  }
  return { events, seconds: (performance.now() - t0) / 1000 };
}

/** The same rows selected in the same pages, as the driver gives them (not made events): the floor under readAll. */
async function rawSelect(sql: SqlClient, service: string): Promise<{ events: number; seconds: number }> {
  const t0 = performance.now();
  let after = 0;
  let events = 0;
  for (;;) {
    const { rows } = await sql.query<{ position: string }>(
      `select position, event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at from ${service}.events where position > $1 order by position limit $2`,
      [after, PAGE],
    );
    events += rows.length;
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1].position);
  }
  return { events, seconds: (performance.now() - t0) / 1000 };
}

/** The store, with the time spent in each of its methods summed (ms) and its calls counted; everything else passes through. */
function timedStore<S extends ReadStore>(store: S): { store: S; spent: Record<string, number>; calls: Record<string, number> } {
  const spent: Record<string, number> = {};
  const calls: Record<string, number> = {};
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      if (key === 'scan') return value.bind(target);
      return (...args: unknown[]) => {
        const t0 = performance.now();
        calls[key] = (calls[key] ?? 0) + 1;
        const add = () => (spent[key] = (spent[key] ?? 0) + performance.now() - t0);
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result; // documentsOf, loaded: synchronous, not timed
        return result.finally(add);
      };
    },
  });
  return { store: proxy, spent, calls };
}

interface Row {
  service: string;
  projection: string;
  store: string;
  events: number;
  documents: number;
  readSeconds: number;
  rebuildSeconds: number;
  insertSeconds: number;
  countSeconds: number;
  switchInSeconds: number;
  bulkSeconds: number;
  ratio: number;
}

/** Inserts the documents with the store's own bulk insert into empty collections of the same indexes; seconds spent inserting. */
async function bulkInsert(store: ReadStore, projection: AnyProjection, docs: Map<string, Record<string, unknown>[]>): Promise<number> {
  const name = (c: string) => `bulk~${projection.name}.${c}`;
  let ms = 0;
  for (const [collection, list] of docs) {
    await store.dropCollection(name(collection));
    await store.ensureCollection(name(collection), projection.collections[collection]);
    const t0 = performance.now();
    for (let i = 0; i < list.length; i += BULK) {
      const chunk = list.slice(i, i + BULK);
      if (store instanceof MongoReadStore) await store.connection.db!.collection(name(collection)).insertMany(chunk as never[], { ordered: false });
      else await store.insert(name(collection), chunk as never[]);
    }
    ms += performance.now() - t0;
    await store.dropCollection(name(collection));
  }
  return ms / 1000;
}

async function measure(service: string, projection: AnyProjection, log: Log, events: { events: number; seconds: number }, raw: ReadStore): Promise<Row> {
  const { store, spent } = timedStore(raw);
  const t0 = performance.now();
  // The rebuild's lease as the CLI's (30 s unless REBUILD_LEASE_MS): a read that starved its renewal
  // timer would end in LeaseLost where the writes check the lease (FerretDB; the memory store's
  // in-place initial load does not). On PGlite, readAll yields to the event loop after each full page.
  const report = await rebuildLive(log, store, projection, { owner: 'bench:rebuild', takeOverMs: 5000, leaseMs: LEASE_MS });
  const rebuildSeconds = (performance.now() - t0) / 1000;
  const docs = new Map<string, Record<string, unknown>[]>();
  for (const c of Object.keys(projection.collections)) docs.set(c, await raw.find(liveTarget(projection).collection(c)));
  const bulkSeconds = await bulkInsert(raw, projection, docs);
  const documents = [...docs.values()].reduce((n, l) => n + l.length, 0);
  return {
    service,
    projection: projection.name,
    store: raw.kind,
    events: report.events,
    documents,
    readSeconds: round(events.seconds, 3),
    rebuildSeconds: round(rebuildSeconds, 3),
    insertSeconds: round((spent.insert ?? 0) / 1000, 3),
    countSeconds: round((spent.count ?? 0) / 1000, 3),
    switchInSeconds: round((spent.renameCollection ?? 0) / 1000, 3),
    bulkSeconds: round(bulkSeconds, 3),
    ratio: round(bulkSeconds / rebuildSeconds, 3),
  };
}

interface LiveRow extends LiveResult {
  service: string;
  projection: string;
  path: string;
  readSeconds: number;
  documents?: number;
  bulkSeconds?: number;
  /** Store calls during the catch-up and tail (findOne: a handler's read that missed the batch and the cache). */
  calls: Record<string, number>;
  spent: Record<string, number>;
}

/**
 * One projection's live runner on FerretDB, each catch-up path in a database of its own; the
 * baseline (the same final documents bulk inserted, same run) after the first path.
 */
async function measureLiveRows(service: string, projection: AnyProjection, log: Log, positions: number[], readSeconds: number): Promise<LiveRow[]> {
  const rows: LiveRow[] = [];
  for (const [k, path] of LIVE_PATHS.entries()) {
    const ferret = await MongoReadStore.connect(MONGO_URL, `bench_live_${process.pid}_${k}`);
    try {
      const { store, spent, calls } = timedStore(ferret);
      const runner = path === 'batches' ? { initialLoad: false as const } : {};
      const result = await measureLive(log, positions, store, projection, { runner, maxSeconds: LIVE_MAX_SECONDS, tailEvents: LIVE_TAIL_EVENTS, tailRates: LIVE_TAIL_RATES });
      const row: LiveRow = { service, projection: projection.name, path, readSeconds: round(readSeconds, 3), ...result, calls, spent: Object.fromEntries(Object.entries(spent).map(([m, ms]) => [m, round(ms / 1000, 3)])) };
      if (k === 0 && result.complete) {
        const docs = new Map<string, Record<string, unknown>[]>();
        for (const c of Object.keys(projection.collections)) docs.set(c, await ferret.find(liveTarget(projection).collection(c)));
        row.documents = [...docs.values()].reduce((n, l) => n + l.length, 0);
        row.bulkSeconds = round(await bulkInsert(ferret, projection, docs), 3);
      }
      rows.push(row);
    } finally {
      await ferret.connection.db!.dropDatabase();
      await ferret.close();
    }
  }
  return rows;
}

function printLive(rows: LiveRow[]): void {
  const bulk = new Map(rows.filter((r) => r.bulkSeconds !== undefined).map((r) => [`${r.service}/${r.projection}`, r]));
  printTable(
    ['projection', 'path', 'events', 'catch-up s', 'events/s', 'target', '', 'documents', 'bulk insert s', 'bulk docs/s', 'bulk: events/s', 'log read s', 'findOne', 'write calls', ...LIVE_TAIL_RATES.map((r) => `tail ${r}/s: applied ev/s; lag p50/p95/max; ms p95`)],
    rows.map((r) => {
      const b = bulk.get(`${r.service}/${r.projection}`);
      const docsPerSec = b?.bulkSeconds ? round(b.documents! / b.bulkSeconds, 0) : '—';
      const eventsPerSec = b?.bulkSeconds ? round(r.events / b.bulkSeconds, 0) : '—';
      return [
        `${r.service}/${r.projection}`, r.path, r.events, r.seconds, r.rate, `≥ ${LIVE_TARGET}`, r.complete ? (r.rate >= LIVE_TARGET ? 'ok' : 'BELOW') : 'stopped (≥)',
        b?.documents ?? '—', b?.bulkSeconds ?? '—', docsPerSec, eventsPerSec, r.readSeconds, r.calls.findOne ?? 0, r.calls.write ?? 0,
        ...LIVE_TAIL_RATES.map((_, k) => (r.tail[k] ? `${r.tail[k].applied}; ${r.tail[k].lagP50}/${r.tail[k].lagP95}/${r.tail[k].lagMax}; ${r.tail[k].msP95} (${r.tail[k].events} ev)` : '—')),
      ];
    }),
    `Live runner on FerretDB from 0 to the head (before the tail's events), timed to the checkpoint; beside it, FerretDB's insertMany of the same final documents, same run ("bulk: events/s": the catch-up's events over the bulk insert's seconds); tail: the last events released at a fixed pace through the runner's live path, lag = released head - checkpoint (events) sampled at each release`,
  );
}

async function openLog(sql: SqlClient, service: string, schemas: EventSchemas): Promise<Log> {
  const stored = new UpcastingEventStore(await SqlEventStore.open(sql, service), schemas);
  const reader = logReaderOf(service);
  return reader ? reader(stored, sql) : stored;
}

async function main(): Promise<void> {
  if (!DATA_DIR) throw new Error('REBUILD_DATA_DIR: an embedded data folder (a copy: its logs are opened read-write)');
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const started = performance.now();
  const stores = MODE === 'growth' ? 'memory' : STORES.join(', ');
  console.log(`rebuild bench on ${resolve(DATA_DIR)}; stores ${stores}${Number.isFinite(FERRET_EVENTS) && MODE !== 'growth' ? `; FerretDB: the first ${FERRET_EVENTS} events of each log` : ''}; load average ${load()}`);
  // The log as the embedded start opens it: PGlite on a thread of its own unless REGISTER_PGLITE_THREAD=off.
  const folder = join(resolve(DATA_DIR), 'event-log');
  const sql = process.env.REGISTER_PGLITE_THREAD === 'off' ? pgliteClient(await createPglite(folder)) : await pgliteThreadClient(folder);
  if (MODE === 'live') return void (await mainLive(sql, load, started).finally(() => sql.close()));
  if (MODE === 'growth') return void (await mainGrowth(growthServices(sql), load, resolve(DATA_DIR), started).finally(() => sql.close()));
  const database = `bench_rebuild_${process.pid}`;
  const ferret = STORES.includes('ferretdb') ? await MongoReadStore.connect(MONGO_URL, database) : undefined;
  const rows: Row[] = [];
  try {
    for (const service of servicesWithProjections()) {
      const list = await loadProjections(parseArgs(['--service', service]));
      const schemas = list.reduce((s, p) => (p.schemas ? s.merge(p.schemas) : s), new EventSchemas());
      const log = await openLog(sql, service, schemas);
      const raw = await rawSelect(sql, service);
      const whole = await plainRead(log);
      const ferretLog = Number.isFinite(FERRET_EVENTS) && FERRET_EVENTS < whole.events ? firstEvents(log, await positionOf(log, PAGE, FERRET_EVENTS)) : log;
      const ferretRead = ferretLog === log ? whole : await plainRead(ferretLog);
      console.log(`${service}: ${whole.events} events, read in ${round(whole.seconds, 2)} s (a raw select of the same rows, just before: ${round(raw.seconds, 2)} s); ${list.length} projection(s)`);
      for (const { projection } of list) {
        if (STORES.includes('memory')) {
          const memory = new MemoryReadStore();
          rows.push(await measure(service, projection, log, whole, memory));
          await memory.close();
          console.log(`  ${projection.name} memory: ${JSON.stringify(rows[rows.length - 1])} (load ${load()})`);
        }
        if (ferret) {
          rows.push(await measure(service, projection, ferretLog, ferretRead, ferret));
          console.log(`  ${projection.name} ${ferret.kind}: ${JSON.stringify(rows[rows.length - 1])} (load ${load()})`);
        }
      }
    }
  } finally {
    if (ferret) {
      await ferret.connection.db!.dropDatabase();
      await ferret.close();
    }
    await sql.close();
  }
  printTable(
    ['projection', 'store', 'events', 'documents', 'log read s', 'rebuild s', 'of which: insert s', 'count s', 'switch-in s', 'bulk insert s', 'ratio', 'target', ''],
    rows.map((r) => [`${r.service}/${r.projection}`, r.store, r.events, r.documents, r.readSeconds, r.rebuildSeconds, r.insertSeconds, r.countSeconds, r.switchInSeconds, r.bulkSeconds, r.ratio, `≥ ${TARGET}`, r.ratio >= TARGET ? 'ok' : 'BELOW']),
    'Rebuild (rebuildLive from the log) vs the same store\'s bulk insert of the same final documents, same run; ratio = bulk insert s / rebuild s',
  );
  const file = writeResults('rebuild', { environment: environment(), dataDir: resolve(DATA_DIR), ferretEvents: Number.isFinite(FERRET_EVENTS) ? FERRET_EVENTS : 'all', target: TARGET, loadAverageAtEnd: load(), rows });
  console.log(`\n${round((performance.now() - started) / 1000, 1)} s in all; load average ${load()}; figures in ${file}`);
}

/** Each service's log, opened as for a rebuild, and its registered projections. */
async function* growthServices(sql: SqlClient): AsyncIterable<GrowthService> {
  for (const service of servicesWithProjections()) {
    const list = await loadProjections(parseArgs(['--service', service]));
    const schemas = list.reduce((s, p) => (p.schemas ? s.merge(p.schemas) : s), new EventSchemas());
    yield { service, log: await openLog(sql, service, schemas), projections: list.map((r) => r.projection) };
  }
}

async function mainLive(sql: SqlClient, load: () => string, started: number): Promise<void> {
  console.log(`live mode: paths ${LIVE_PATHS.join(', ')}; catch-up stopped after ${LIVE_MAX_SECONDS} s; tail ${LIVE_TAIL_EVENTS} events at each of ${LIVE_TAIL_RATES.join(', ')} events/s`);
  const rows: LiveRow[] = [];
  for (const service of servicesWithProjections()) {
    const list = await loadProjections(parseArgs(['--service', service]));
    const schemas = list.reduce((s, p) => (p.schemas ? s.merge(p.schemas) : s), new EventSchemas());
    const log = await openLog(sql, service, schemas);
    const { positions, seconds } = await positionsOf(log, PAGE);
    console.log(`${service}: ${positions.length} events, read in ${round(seconds, 2)} s; ${list.length} projection(s)`);
    for (const { projection } of list) {
      for (const row of await measureLiveRows(service, projection, log, positions, seconds)) {
        rows.push(row);
        console.log(`  ${projection.name} ${row.path}: ${JSON.stringify(row)} (load ${load()})`);
      }
    }
  }
  printLive(rows);
  const file = writeResults('live', { environment: environment(), dataDir: resolve(DATA_DIR!), paths: LIVE_PATHS, maxSeconds: LIVE_MAX_SECONDS, tail: { events: LIVE_TAIL_EVENTS, rates: LIVE_TAIL_RATES }, target: LIVE_TARGET, loadAverageAtEnd: load(), rows });
  console.log(`\n${round((performance.now() - started) / 1000, 1)} s in all; load average ${load()}; figures in ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
