/**
 * Compares the SQL event store (SqlEventStore.append and readAll) on PostgreSQL and on PGlite with
 * plain SQL INSERT/SELECT of the very same rows on the same database in the same run. The baseline
 * is fair because it writes and reads exactly what the store writes and reads — the same JSON
 * payloads, into a table with the same columns and keys (in its own schema), one autocommitted
 * statement per append (one multi-row INSERT per batch), the same keyset page query, through the same
 * driver wrapper — so each ratio isolates what the store adds: the append function (stream row,
 * revision check, advisory lock, notify) and the row-to-RecordedEvent mapping.
 *
 * Run: npm run bench:store   (env REGISTER_PG_URL, default postgres://register:register@127.0.0.1:55432/register_test)
 */
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { EventToAppend } from '@register/event-sourcing';
import { appendEventsSql, pgliteClient, postgresClient, SqlClient, SqlEventStore } from '@register/event-store';
import { anEvent } from '../support/events';
import { environment, Measurement, printTable, round, Summary, writeResults } from './bench-util';

const PG_URL = process.env.REGISTER_PG_URL ?? 'postgres://register:register@127.0.0.1:55432/register_test';
const BATCH = 100;
const PAGE = 500;
const ROUNDS = 10; // each measurement alternates store and plain SQL in short rounds (AB BA AB ...), never concurrently:
// a burst of background load then hits both sides about equally
const TARGETS = { singleAppend: 0.5, batchAppend: 0.5, globalRead: 0.7, chainedAppend: 0.9 } as const;

interface Plan {
  label: string;
  singles: number;
  batches: number;
  readPasses: number;
  /** Cap per round and contender, to keep the whole run short on a slow disk. */
  roundSeconds: number;
  warmup: { singles: number; batches: number; pages: number };
}

const PLANS = {
  postgres: { label: 'PostgreSQL', singles: 5000, batches: 1000, readPasses: 10, roundSeconds: 8, warmup: { singles: 200, batches: 5, pages: 20 } },
  pglite: { label: 'PGlite', singles: 3000, batches: 300, readPasses: 10, roundSeconds: 8, warmup: { singles: 100, batches: 3, pages: 10 } },
} satisfies Record<string, Plan>;

/** What one contender must do: the store, or plain SQL on a plain table. */
interface Contender {
  append(streamId: string, events: EventToAppend[], expectedRevision: number): Promise<void>;
  /** One page of the global log after `after`: how many events, and the last position. */
  readPage(after: number, limit: number): Promise<{ count: number; last: number }>;
  count(): Promise<number>;
}

function storeContender(store: SqlEventStore, sql: SqlClient, schema: string): Contender {
  return {
    async append(streamId, events, expected) {
      await store.append(streamId, events, expected === -1 ? 'no_stream' : expected);
    },
    async readPage(after, limit) {
      const events = await store.readAll(after, limit);
      return { count: events.length, last: events.length ? events[events.length - 1].position : after };
    },
    count: () => countRows(sql, schema),
  };
}

const PLAIN_COLUMNS = 'event_id, stream_id, revision, type, schema_version, data, metadata';

async function plainContender(sql: SqlClient, schema: string): Promise<Contender> {
  await sql.exec(`
    create schema ${schema};
    create table ${schema}.events (
      position       bigserial primary key,
      event_id       uuid not null unique,
      stream_id      text not null,
      revision       bigint not null,
      type           text not null,
      schema_version int not null,
      data           jsonb not null,
      metadata       jsonb not null,
      recorded_at    timestamptz not null default date_trunc('milliseconds', clock_timestamp()),
      unique (stream_id, revision)
    );`);
  const insertSql = new Map<number, string>();
  const insert = (rows: number) => {
    let text = insertSql.get(rows);
    if (!text) {
      const values = Array.from({ length: rows }, (_, r) => `(${Array.from({ length: 7 }, (_, c) => `$${r * 7 + c + 1}`).join(', ')})`);
      text = `insert into ${schema}.events (${PLAIN_COLUMNS}) values ${values.join(', ')} returning position`;
      insertSql.set(rows, text);
    }
    return text;
  };
  return {
    async append(streamId, events, expected) {
      const params: unknown[] = [];
      events.forEach((e, k) => params.push(e.eventId, streamId, expected + 1 + k, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata)));
      await sql.query(insert(events.length), params);
    },
    async readPage(after, limit) {
      const { rows } = await sql.query<{ position: string | number }>(
        `select position, ${PLAIN_COLUMNS}, recorded_at from ${schema}.events where position > $1 order by position limit $2`,
        [after, limit],
      );
      return { count: rows.length, last: rows.length ? Number(rows[rows.length - 1].position) : after };
    },
    count: () => countRows(sql, schema),
  };
}

async function countRows(sql: SqlClient, schema: string): Promise<number> {
  const { rows } = await sql.query<{ n: string | number }>(`select count(*) as n from ${schema}.events`);
  return Number(rows[0].n);
}

/** The same events, in the same order, for both contenders. */
class Workload {
  readonly singles: EventToAppend[];
  readonly batches: EventToAppend[][];
  constructor(plan: Plan) {
    this.singles = Array.from({ length: plan.warmup.singles + plan.singles }, () => memberEvent());
    this.batches = Array.from({ length: plan.warmup.batches + plan.batches }, () => Array.from({ length: BATCH }, () => memberEvent()));
  }
}

/** A plausible register event: a member joining a unit (~0.5 KB of JSON with metadata). */
function memberEvent(): EventToAppend {
  const event = anEvent('MemberAdmitted', {
    memberId: randomUUID(),
    unitId: randomUUID(),
    fullName: 'Nguyễn Thị Minh Anh',
    birthDate: '2004-09-02',
    gender: 'female',
    admittedOn: '2026-03-26',
    ethnicity: 'Kinh',
    contact: { phone: '+84 90 123 4567', email: 'minhanh@example.vn' },
  });
  event.metadata.decision = { number: '125-QĐ/ĐTN', issuedBy: 'BCH Đoàn phường Bến Nghé', date: '2026-03-20' };
  return event;
}

/** One contender working through the workload: its own stream revisions and read cursor. */
class Driver {
  private single = 0;
  private batch = 0;
  private cursor = 0;
  private readonly revisions = new Map<string, number>();

  constructor(
    readonly contender: Contender,
    private readonly work: Workload,
  ) {}

  async appendOne(): Promise<number> {
    const k = this.single++;
    await this.append(`member-${k % 250}`, [this.work.singles[k]]);
    return 1;
  }

  async appendBatch(): Promise<number> {
    const k = this.batch++;
    await this.append(`unit-${k % 20}`, this.work.batches[k]);
    return BATCH;
  }

  async readPage(): Promise<number> {
    const { count, last } = await this.contender.readPage(this.cursor, PAGE);
    this.cursor = count < PAGE ? 0 : last; // wrap around: read the whole log forwards again
    return count;
  }

  get appended(): number {
    return this.single + this.batch * BATCH;
  }

  private async append(streamId: string, events: EventToAppend[]): Promise<void> {
    const revision = this.revisions.get(streamId) ?? -1;
    await this.contender.append(streamId, events, revision);
    this.revisions.set(streamId, revision + events.length);
  }
}

interface Pair {
  store: Summary;
  plain: Summary;
  /** store / plain, on units per second. */
  ratio: number;
  target: number;
}

/** Alternates rounds of the two contenders (store first, then plain first, ...) and sums each side. */
async function compare(name: string, target: number, store: () => Promise<number>, plain: () => Promise<number>, opsPerRound: number, seconds: number): Promise<Pair> {
  const s = new Measurement(`${name} store`);
  const p = new Measurement(`${name} plain`);
  for (let r = 0; r < ROUNDS; r++) {
    const order: [Measurement, () => Promise<number>][] = [
      [s, store],
      [p, plain],
    ];
    if (r % 2 === 1) order.reverse();
    for (const [m, body] of order) await m.run(body, { ops: opsPerRound, seconds });
  }
  const [store_, plain_] = [s.summary(), p.summary()];
  return { store: store_, plain: plain_, ratio: round(store_.unitsPerSec / plain_.unitsPerSec, 3), target };
}

async function warmUp(d: Driver, plan: Plan): Promise<void> {
  for (let i = 0; i < plan.warmup.singles; i++) await d.appendOne();
  for (let i = 0; i < plan.warmup.batches; i++) await d.appendBatch();
  for (let i = 0; i < plan.warmup.pages; i++) await d.readPage();
}

async function bench(plan: Plan, store: Contender, plain: Contender): Promise<Record<string, Pair | number>> {
  const work = new Workload(plan);
  const [ds, dp] = [new Driver(store, work), new Driver(plain, work)];
  await warmUp(ds, plan);
  await warmUp(dp, plan);
  const perRound = (n: number) => Math.ceil(n / ROUNDS);
  const singleAppend = await compare('single append', TARGETS.singleAppend, () => ds.appendOne(), () => dp.appendOne(), perRound(plan.singles), plan.roundSeconds);
  const batchAppend = await compare(`batch of ${BATCH}`, TARGETS.batchAppend, () => ds.appendBatch(), () => dp.appendBatch(), perRound(plan.batches), plan.roundSeconds);
  const [rowsStore, rowsPlain] = [await store.count(), await plain.count()];
  if (rowsStore !== ds.appended || rowsPlain !== dp.appended) throw new Error(`row counts: store ${rowsStore}/${ds.appended}, plain ${rowsPlain}/${dp.appended}`);
  const pages = Math.ceil(Math.max(rowsStore, rowsPlain) / PAGE) * perRound(plan.readPasses);
  const globalRead = await compare('global read', TARGETS.globalRead, () => ds.readPage(), () => dp.readPage(), pages, plan.roundSeconds);
  return { rowsStore, rowsPlain, singleAppend, batchAppend, globalRead };
}

/**
 * What the hash chain costs the append: the store as it is against the same store whose append
 * function inserts without hashing (appendEventsSql's `chained: false`), in the same run.
 */
async function chainCost(plan: Plan, chainedSql: SqlClient, unchainedSql: SqlClient, schema: string): Promise<Record<string, Pair>> {
  const chained = await SqlEventStore.open(chainedSql, `${schema}_chained`);
  const unchained = await SqlEventStore.open(unchainedSql, `${schema}_unchained`);
  await unchainedSql.exec(appendEventsSql(`${schema}_unchained`, { chained: false }));
  const work = new Workload(plan);
  const [dc, du] = [new Driver(storeContender(chained, chainedSql, `${schema}_chained`), work), new Driver(storeContender(unchained, unchainedSql, `${schema}_unchained`), work)];
  await warmUp(dc, { ...plan, warmup: { ...plan.warmup, pages: 0 } });
  await warmUp(du, { ...plan, warmup: { ...plan.warmup, pages: 0 } });
  const perRound = (n: number) => Math.ceil(n / ROUNDS);
  const single = await compare('single append, chained', TARGETS.chainedAppend, () => dc.appendOne(), () => du.appendOne(), perRound(plan.singles), plan.roundSeconds);
  const batch = await compare(`batch of ${BATCH}, chained`, TARGETS.chainedAppend, () => dc.appendBatch(), () => du.appendBatch(), perRound(plan.batches), plan.roundSeconds);
  await chainedSql.exec(`drop schema if exists ${schema}_chained cascade; drop schema if exists ${schema}_unchained cascade;`);
  return { chainedSingle: single, chainedBatch: batch };
}

async function onPostgres(schema: string) {
  const storeSql = postgresClient({ connectionString: PG_URL });
  const plainSql = postgresClient({ connectionString: PG_URL });
  const settings = await plainSql.query<{ version: string; fsync: string; synchronous_commit: string }>(
    `select version(), current_setting('fsync') as fsync, current_setting('synchronous_commit') as synchronous_commit`,
  );
  try {
    const store = await SqlEventStore.open(storeSql, `${schema}_store`);
    const results = await bench(PLANS.postgres, storeContender(store, storeSql, `${schema}_store`), await plainContender(plainSql, `${schema}_plain`));
    return { server: settings.rows[0], ...results, ...(await chainCost(PLANS.postgres, storeSql, plainSql, schema)) };
  } finally {
    await plainSql.exec(`drop schema if exists ${schema}_store cascade; drop schema if exists ${schema}_plain cascade;`);
    await Promise.all([storeSql.close(), plainSql.close()]);
  }
}

async function onPglite(schema: string) {
  const db = await PGlite.create(); // in memory, as the embedded tests use it
  const sql = pgliteClient(db);
  try {
    const store = await SqlEventStore.open(sql, `${schema}_store`);
    const results = await bench(PLANS.pglite, storeContender(store, sql, `${schema}_store`), await plainContender(sql, `${schema}_plain`));
    return { server: { version: (await sql.query<{ version: string }>('select version()')).rows[0].version, inMemory: true }, ...results, ...(await chainCost(PLANS.pglite, sql, sql, schema)) };
  } finally {
    await sql.exec(`drop schema if exists ${schema}_store cascade; drop schema if exists ${schema}_plain cascade;`);
    await sql.close();
  }
}

function report(results: Record<string, Record<string, unknown>>): void {
  const rows: (string | number)[][] = [];
  const measures: [string, string, (s: Summary) => number][] = [
    ['singleAppend', 'appends/s, 1 event each', (s) => s.opsPerSec],
    ['batchAppend', `appends/s, ${BATCH} events each`, (s) => s.opsPerSec],
    ['batchAppend', `events/s, batches of ${BATCH}`, (s) => s.unitsPerSec],
    ['globalRead', `events/s, readAll pages of ${PAGE}`, (s) => s.unitsPerSec],
  ];
  for (const [db, r] of Object.entries(results)) {
    for (const [key, label, figure] of measures) {
      const pair = r[key] as Pair;
      const lat = (s: Summary) => `${s.latencyMs.p50} / ${s.latencyMs.p99}`;
      rows.push([PLANS[db as keyof typeof PLANS].label, label, Math.round(figure(pair.store)), Math.round(figure(pair.plain)), pair.ratio, `≥ ${pair.target}`, pair.ratio >= pair.target ? 'ok' : 'BELOW', lat(pair.store), lat(pair.plain)]);
    }
  }
  printTable(['database', 'measure', 'store', 'plain SQL', 'ratio', 'target', '', 'store p50/p99 ms', 'plain p50/p99 ms'], rows, 'Event store vs plain SQL on the same database (latency per append / per page)');
  const chain: (string | number)[][] = [];
  for (const [db, r] of Object.entries(results)) {
    for (const [key, label] of [['chainedSingle', 'appends/s, 1 event each'], ['chainedBatch', `events/s, batches of ${BATCH}`]]) {
      const pair = r[key] as Pair;
      const figure = (x: Summary) => Math.round(key === 'chainedBatch' ? x.unitsPerSec : x.opsPerSec);
      chain.push([PLANS[db as keyof typeof PLANS].label, label, figure(pair.store), figure(pair.plain), pair.ratio, `${round((1 - pair.ratio) * 100, 1)}%`, `≤ ${round((1 - pair.target) * 100)}%`, pair.ratio >= pair.target ? 'ok' : 'ABOVE']);
    }
  }
  printTable(['database', 'measure', 'with the hash chain', 'without', 'ratio', 'cost', 'target', ''], chain, 'The hash chain\'s cost to the append (the same store, its append with and without hashing)');
}

async function main(): Promise<void> {
  const schema = `bench_${Date.now()}`;
  const started = Date.now();
  console.log(`store bench: schemas ${schema}_store / ${schema}_plain, PostgreSQL at ${PG_URL.replace(/\/\/[^@]*@/, '//')}`);
  const results: Record<string, Record<string, unknown>> = {};
  results.postgres = await onPostgres(schema);
  console.log(`PostgreSQL done after ${round((Date.now() - started) / 1000, 1)} s`);
  results.pglite = await onPglite(schema);
  report(results);
  const file = writeResults('store', { environment: environment(), plans: PLANS, batch: BATCH, page: PAGE, rounds: ROUNDS, results });
  console.log(`\n${round((Date.now() - started) / 1000, 1)} s in all; figures in ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
