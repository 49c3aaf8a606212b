import { Worker } from 'node:worker_threads';
import { RecordedEvent } from '@register/event-sourcing';
import { ISO_UTC } from './sql-schema';

/** Pages a worker keeps ready ahead of the reader: enough to hide a query, bounded in memory. */
const DEPTH = 3;

interface Job {
  pgPath: string;
  connectionString: string;
  schema: string;
  after: number;
  pageSize: number;
  until: number | null;
  /** Only events of these types (ReadAllOptions), or all. */
  types: string[] | null;
  depth: number;
  application: string;
  pageJson: string;
}

/**
 * The log from `after` in pages of `pageSize` (up to `until`), as `SqlEventStore.readAll` gives
 * them, read on a worker thread with its own connection, pages ahead: the reader's thread only
 * parses one JSON text per page. For long catch-ups (a rebuild folds while the next pages are
 * queried); ends early, and ends the worker, when the caller stops iterating.
 */
export async function* readAheadPages(connectionString: string, schema: string, after: number, pageSize: number, until?: number, types?: readonly string[]): AsyncGenerator<RecordedEvent[]> {
  const job: Job = { pgPath: require.resolve('pg'), connectionString, schema, after, pageSize, until: until ?? null, types: types ? [...types] : null, depth: DEPTH, application: READ_AHEAD_APPLICATION, pageJson: types ? typedPageJson(4) : PAGE_JSON };
  const worker = new Worker(`(${readAheadWorker.toString()})()`, { eval: true, workerData: job });
  const ready: Array<string | null> = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  worker.on('message', (page: string | null) => (ready.push(page), wake?.()));
  worker.on('error', (error) => ((failure = error), wake?.()));
  worker.on('exit', () => ((failure ??= ready.at(-1) === null ? undefined : new Error('the read-ahead worker stopped')), wake?.()));
  try {
    for (;;) {
      while (ready.length === 0 && !failure) await new Promise<void>((resolve) => (wake = resolve));
      if (ready.length === 0) throw failure!;
      const page = ready.shift()!;
      if (page === null) return;
      worker.postMessage('more');
      yield decodePage(page);
    }
  } finally {
    await worker.terminate();
  }
}

/**
 * A page of `events` rows (aliased `page`) as one JSON text built by PostgreSQL: an array per row in
 * decodePage's order. Each value is what a row read column by column gives (the contract tests
 * compare them): recorded_at is stored to the millisecond (sql-schema.ts), so to_char's text is what
 * toISOString gives; jsonb goes into the array as it is.
 */
export const pageJson = (filter?: string) => `coalesce(json_agg(json_build_array(event_id, stream_id, revision, position, type, schema_version, data, metadata,
        ${ISO_UTC('recorded_at')}) order by position)${filter ? ` filter (where ${filter})` : ''}::text, '[]')`;
export const PAGE_JSON = pageJson();
/** The page of the rows of the types in a query's parameter `$n` (ReadAllOptions), in one pass over the rows walked. */
export const typedPageJson = (n: number) => pageJson(`type = any($${n}::text[])`);

type Row = [string, string, number, number, string, number, unknown, RecordedEvent['metadata'], string];

/**
 * A page as PostgreSQL encodes it (PAGE_JSON, for the worker and SqlEventStore.readAll): rows as
 * arrays (parsed faster than objects, and no key repeated), made plain events here, with the fields in readAll's order. Measured against keeping
 * `metadata` as text parsed on first read: the accessor that needs made each event cost more to
 * build and to read than parsing the metadata with the rest (a 1M-event rebuild, docs/read-models.md).
 */
export function decodePage(page: string): RecordedEvent[] {
  const rows = JSON.parse(page) as Row[];
  const events = new Array<RecordedEvent>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    events[i] = { eventId: row[0], streamId: row[1], revision: row[2], position: row[3], type: row[4], schemaVersion: row[5], data: row[6], metadata: row[7], recordedAt: row[8] };
  }
  return events;
}

/** How the worker's connection is named in pg_stat_activity (the contract test looks for it). */
export const READ_AHEAD_APPLICATION = 'register-read-ahead';

/**
 * The worker, as source text (evaluated, so that it runs the same from the compiled build and under
 * ts-jest). Plain JavaScript only: no imports, no closure over this module.
 *
 * PostgreSQL builds each page's JSON text itself (PAGE_JSON, see `decodePage`) and
 * the worker passes it on as it came: the page is one field of one row. Building the rows in the
 * worker instead (pg's row parsing, a template string per row) cost about 10 µs of the worker's
 * CPU per event, on a 2-core machine where a rebuild's fold, the worker and PostgreSQL share the
 * cores (docs/read-models.md).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
function readAheadWorker(): void {
  const { parentPort, workerData } = require('node:worker_threads');
  const job = workerData as Job;
  const pg = require(job.pgPath);
  const raw = (value: string) => value;
  const client = new pg.Client({ connectionString: job.connectionString, application_name: job.application, types: { getTypeParser: () => raw } });
  let credits = job.depth;
  let resume: (() => void) | undefined;
  parentPort.on('message', () => {
    credits++;
    resume?.();
  });
  // With types, the page is the rows of those types among the next pageSize of the log (SqlEventStore.readTypedPage).
  const sql = `select count(*) as n, max(position) as last, ${job.pageJson} as page
    from (select * from ${job.schema}.events where position > $1 and ($3::bigint is null or position <= $3) order by position limit $2) page`;
  (async () => {
    await client.connect();
    let after = job.after;
    for (;;) {
      while (credits === 0) await new Promise<void>((resolve) => (resume = resolve));
      const { rows } = await client.query(sql, job.types ? [after, job.pageSize, job.until, job.types] : [after, job.pageSize, job.until]);
      const { n, last, page } = rows[0] as { n: string; last: string | null; page: string };
      if (Number(n) > 0) {
        after = Number(last);
        if (page !== '[]') {
          credits--;
          parentPort.postMessage(page);
        }
      }
      if (Number(n) < job.pageSize || (job.until !== null && after >= job.until)) break;
    }
    parentPort.postMessage(null);
    await client.end();
  })(); // a failure is an unhandled rejection, which ends the worker with an 'error' the reader rethrows
}
