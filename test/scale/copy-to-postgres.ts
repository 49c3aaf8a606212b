/**
 * Copies an embedded register's logs (the PGlite folder DATA_DIR/event-log, a schema per service)
 * into a PostgreSQL database, for the distributed services to start on (bench:distributed-start).
 *
 *   node -r <paths.js> dist/test/scale/copy-to-postgres.js --data-dir <copy of a data folder> --pg-url postgres://…/<empty database>
 *
 * Each service's schema is made first by the register's own open functions (the log, its view
 * snapshots, its signed checkpoints, its group snapshots; the key vaults of personnel, training and evaluation, and personnel's read log), as
 * the service makes it at start; then every table of each service schema found on both sides is
 * copied, rows as stored (hash chain columns included, so the chain still verifies), in batches,
 * and every sequence found on both sides is set past the copied maximum. Two tables are left out on
 * purpose: `checkpoints` (the relay's published position: the copy's topics are new and empty, so
 * each relay publishes its whole log) and `group_snapshots` (offsets of other topics), and so are
 * the groups' states kept in parts (`chunked_states` and `state_chunks` rows owned by `group:…`).
 * Opens the data folder it is given: give it a copy.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { createPglite, postgresClient, SqlEventStore, SqlGroupSnapshots, SqlLogCheckpoints, SqlSnapshotStore } from '@register/event-store';
import { SqlReadLog } from '../../services/personnel/src/personal-data/read-log';
import { SqlKeyVault } from '@register/personal-data';

export const SERVICES = ['organisation', 'personnel', 'training', 'evaluation'] as const;
/** Tables not copied: see the header. */
const LEFT_OUT = new Set(['checkpoints', 'group_snapshots']);
const BATCH_BYTES = 4 * 1024 * 1024;

export interface TableCopy {
  schema: string;
  table: string;
  rows: number;
}

export interface CopyReport {
  tables: TableCopy[];
  /** Events per schema, PGlite and PostgreSQL after the copy. */
  events: Record<string, { pglite: number; postgres: number; head: number }>;
  seconds: number;
}

interface PgliteLike {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  close(): Promise<void>;
}

/** Makes each service's schema on PostgreSQL the way the service does at start. */
async function createSchemas(pgUrl: string): Promise<void> {
  const sql = postgresClient({ connectionString: pgUrl, max: 2 });
  try {
    for (const service of SERVICES) {
      await SqlEventStore.open(sql, service);
      await SqlSnapshotStore.open(sql, service);
      await SqlLogCheckpoints.open(sql, service);
      await SqlGroupSnapshots.open(sql, service);
      // Personnel, training and evaluation seal members' free text under keys of their own.
      if (service !== 'organisation') await SqlKeyVault.open(sql, service);
      if (service === 'personnel') await SqlReadLog.open(sql, service);
    }
  } finally {
    await sql.close();
  }
}

async function tablesOf(query: (sql: string, params?: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>, schema: string): Promise<Map<string, string[]>> {
  const { rows } = await query(
    `select c.table_name, c.column_name from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
      where c.table_schema = $1 and t.table_type = 'BASE TABLE' order by c.table_name, c.ordinal_position`,
    [schema],
  );
  const tables = new Map<string, string[]>();
  for (const r of rows) tables.set(String(r.table_name), [...(tables.get(String(r.table_name)) ?? []), String(r.column_name)]);
  return tables;
}

async function sequencesOf(query: (sql: string, params?: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>, schema: string): Promise<string[]> {
  const { rows } = await query(`select sequence_name from information_schema.sequences where sequence_schema = $1`, [schema]);
  return rows.map((r) => String(r.sequence_name));
}

/** The table's single-column primary key, else undefined (then rows are paged by ctid). */
async function singleKeyOf(db: PgliteLike, schema: string, table: string): Promise<string | undefined> {
  const { rows } = await db.query<{ column_name: string }>(
    `select a.attname as column_name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where i.indrelid = $1::regclass and i.indisprimary`,
    [`${schema}.${table}`],
  );
  return rows.length === 1 ? rows[0].column_name : undefined;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Copies one table: rows read from PGlite as JSON text (row_to_json: timestamps at full precision,
 * bytea as \x hex, jsonb as stored), written on PostgreSQL by json_populate_recordset into the
 * columns both sides have, in batches of about BATCH_BYTES, in key order.
 */
async function copyTable(db: PgliteLike, pg: Client, schema: string, table: string, columns: string[]): Promise<number> {
  const key = await singleKeyOf(db, schema, table);
  const order = key ? quote(key) : 'ctid';
  const cols = columns.map(quote).join(', ');
  const target = `${quote(schema)}.${quote(table)}`;
  let after: string | undefined;
  let copied = 0;
  let pageRows = 2000;
  for (;;) {
    const { rows } = await db.query<{ k: string; j: string }>(
      `select (${order})::text as k, row_to_json(t)::text as j from ${target} t ${after === undefined ? '' : `where ${order} > $1::${key ? `${await typeOf(db, schema, table, key)}` : 'tid'}`} order by ${order} limit ${pageRows}`,
      after === undefined ? [] : [after],
    );
    if (rows.length === 0) break;
    const text = `[${rows.map((r) => r.j).join(',')}]`;
    await pg.query(`insert into ${target} (${cols}) select ${cols} from json_populate_recordset(null::${target}, $1::json)`, [text]);
    copied += rows.length;
    after = rows[rows.length - 1].k;
    // Pages of about BATCH_BYTES: rows differ in size from table to table.
    pageRows = Math.max(100, Math.min(20_000, Math.round((pageRows * BATCH_BYTES) / Math.max(text.length, 1))));
  }
  return copied;
}

const types = new Map<string, string>();
async function typeOf(db: PgliteLike, schema: string, table: string, column: string): Promise<string> {
  const id = `${schema}.${table}.${column}`;
  if (!types.has(id)) {
    const { rows } = await db.query<{ t: string }>(`select format_type(atttypid, atttypmod) as t from pg_attribute where attrelid = $1::regclass and attname = $2`, [`${schema}.${table}`, column]);
    types.set(id, rows[0].t);
  }
  return types.get(id)!;
}

/** Sets each sequence of the schema present on both sides past the copied maximum (and never below PGlite's own value). */
async function setSequences(db: PgliteLike, pg: Client, schema: string): Promise<void> {
  const theirs = new Set(await sequencesOf((s, p) => db.query(s, p), schema));
  for (const sequence of await sequencesOf((s, p) => pg.query(s, p), schema)) {
    if (!theirs.has(sequence)) continue;
    const seq = `${quote(schema)}.${quote(sequence)}`;
    const { rows } = await db.query<{ v: string }>(`select case when is_called then last_value else last_value - 1 end::text as v from ${seq}`);
    let value = Number(rows[0].v);
    // The columns it numbers: event_position is drawn by record_events, a serial by its column's default.
    const owned = await pg.query<{ t: string; c: string }>(
      `select t.relname as t, a.attname as c from pg_depend d join pg_class t on t.oid = d.refobjid join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
        where d.objid = $1::regclass and d.deptype in ('a', 'i')`,
      [`${schema}.${sequence}`],
    );
    const numbered = owned.rows.map((r) => [r.t, r.c] as const);
    if (sequence === 'event_position') numbered.push(['events', 'position']);
    for (const [t, c] of numbered) {
      const max = await pg.query<{ m: string | null }>(`select max(${quote(c)})::text as m from ${quote(schema)}.${quote(t)}`);
      value = Math.max(value, Number(max.rows[0].m ?? 0));
    }
    if (value > 0) await pg.query(`select setval($1::regclass, $2, true)`, [`${schema}.${sequence}`, value]);
  }
}

/** Copies the logs of the data folder's PGlite into the (empty) PostgreSQL database at `pgUrl`. */
export async function copyToPostgres(dataDir: string, pgUrl: string, log: (line: string) => void = () => undefined): Promise<CopyReport> {
  const started = Date.now();
  if (!existsSync(join(dataDir, 'event-log'))) throw new Error(`no event-log folder under ${dataDir}`);
  await createSchemas(pgUrl);
  const db = (await createPglite(join(dataDir, 'event-log'))) as unknown as PgliteLike;
  const pg = new Client({ connectionString: pgUrl });
  await pg.connect();
  const report: CopyReport = { tables: [], events: {}, seconds: 0 };
  try {
    for (const schema of SERVICES) {
      const theirs = await tablesOf((s, p) => db.query(s, p), schema);
      const ours = await tablesOf((s, p) => pg.query(s, p), schema);
      for (const [table, columns] of theirs) {
        const here = ours.get(table);
        if (!here || LEFT_OUT.has(table)) {
          log(`${schema}.${table}: not copied (${here ? 'left out on purpose' : 'not made by the service'})`);
          continue;
        }
        const shared = columns.filter((c) => here.includes(c));
        const t0 = Date.now();
        await pg.query('begin');
        const rows = await copyTable(db, pg, schema, table, shared);
        await pg.query('commit');
        report.tables.push({ schema, table, rows });
        log(`${schema}.${table}: ${rows} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
      await pg.query(`delete from ${schema}.state_chunks where owner like 'group:%'; delete from ${schema}.chunked_states where owner like 'group:%'`);
      await setSequences(db, pg, schema);
      const a = await db.query<{ n: string }>(`select count(*)::text as n from ${schema}.events`);
      const b = await pg.query<{ n: string; head: string | null }>(`select count(*)::text as n, max(position)::text as head from ${schema}.events`);
      report.events[schema] = { pglite: Number(a.rows[0].n), postgres: Number(b.rows[0].n), head: Number(b.rows[0].head ?? 0) };
      if (report.events[schema].pglite !== report.events[schema].postgres) throw new Error(`${schema}: ${report.events[schema].pglite} events in PGlite, ${report.events[schema].postgres} copied`);
      await pg.query(`analyze ${schema}.events`);
    }
  } catch (error) {
    await pg.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await pg.end();
    await db.close();
  }
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, 'pg-url': { type: 'string' } } });
  if (!values['data-dir'] || !values['pg-url']) throw new Error('usage: copy-to-postgres --data-dir <copy of a data folder> --pg-url <empty database>');
  const report = await copyToPostgres(values['data-dir'], values['pg-url'], (line) => console.log(line));
  console.log(JSON.stringify(report.events, null, 2));
  console.log(`copied in ${report.seconds.toFixed(1)} s`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
