import { Worker } from 'node:worker_threads';
import { RecordedEvent } from '@register/event-sourcing';

/** Pages a worker keeps ready ahead of the reader: enough to hide a query, bounded in memory. */
const DEPTH = 3;

interface Job {
  pgPath: string;
  connectionString: string;
  schema: string;
  after: number;
  pageSize: number;
  until: number | null;
  depth: number;
}

/**
 * The log from `after` in pages of `pageSize` (up to `until`), as `SqlEventStore.readAll` gives
 * them, read and decoded on a worker thread with its own connection: the reader's thread only
 * parses one JSON text per page. For long catch-ups (a rebuild folds on one core while the log is
 * decoded on the other); ends early, and ends the worker, when the caller stops iterating.
 */
export async function* readAheadPages(connectionString: string, schema: string, after: number, pageSize: number, until?: number): AsyncGenerator<RecordedEvent[]> {
  const job: Job = { pgPath: require.resolve('pg'), connectionString, schema, after, pageSize, until: until ?? null, depth: DEPTH };
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
      yield decode(page);
    }
  } finally {
    await worker.terminate();
  }
}

type Row = [string, string, number, number, string, number, unknown, string, string];

/**
 * A page as the worker encodes it: rows as arrays (parsed faster than objects, and no key
 * repeated), made events here. `metadata` stays JSON text until it is first read: a projection
 * that never reads it (most handlers use only `data`) never pays for parsing it. It is an own,
 * enumerable property, so spreading or serialising an event sees it as readAll's events have it.
 */
function decode(page: string): RecordedEvent[] {
  const rows = JSON.parse(page) as Row[];
  const events = new Array<RecordedEvent>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const [eventId, streamId, revision, position, type, schemaVersion, data, metadataText, recordedAt] = rows[i];
    let metadata: RecordedEvent['metadata'] | undefined;
    events[i] = {
      eventId,
      streamId,
      revision,
      position,
      type,
      schemaVersion,
      data,
      get metadata() {
        return (metadata ??= JSON.parse(metadataText) as RecordedEvent['metadata']);
      },
      set metadata(value) {
        metadata = value;
      },
      recordedAt,
    };
  }
  return events;
}

/**
 * The worker, as source text (evaluated, so that it runs the same from the compiled build and under
 * ts-jest). Plain JavaScript only: no imports, no closure over this module. It decodes each row
 * exactly as SqlEventStore's toRecorded does (the contract test compares them), and passes the page on as
 * one JSON text (see `decode`): jsonb arrives as text and goes into it unparsed.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
function readAheadWorker(): void {
  const { parentPort, workerData } = require('node:worker_threads');
  const job = workerData as Job;
  const pg = require(job.pgPath);
  const raw = (value: string) => value;
  const client = new pg.Client({ connectionString: job.connectionString, types: { getTypeParser: () => raw } });
  let credits = job.depth;
  let resume: (() => void) | undefined;
  parentPort.on('message', () => {
    credits++;
    resume?.();
  });
  // recorded_at is stored to the millisecond (sql-schema.ts), so this text is what toISOString gives
  const sql = `select position, event_id, stream_id, revision, type, schema_version, data::text as data, metadata::text as metadata,
      to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as recorded_at
    from ${job.schema}.events where position > $1 order by position limit $2`;
  // numbers and uuids as PostgreSQL prints them are JSON already; text is quoted, metadata too (see decode)
  const encode = (r: Record<string, string>) =>
    `["${r.event_id}",${JSON.stringify(r.stream_id)},${r.revision},${r.position},${JSON.stringify(r.type)},${r.schema_version},${r.data},${JSON.stringify(r.metadata)},"${r.recorded_at}"]`;
  (async () => {
    await client.connect();
    let after = job.after;
    for (;;) {
      while (credits === 0) await new Promise<void>((resolve) => (resume = resolve));
      const { rows } = await client.query(sql, [after, job.pageSize]);
      const kept = job.until === null ? rows : rows.filter((r: Record<string, string>) => Number(r.position) <= job.until!);
      if (kept.length > 0) {
        credits--;
        parentPort.postMessage(`[${kept.map(encode).join(',')}]`);
        after = Number(kept[kept.length - 1].position);
      }
      if (rows.length < job.pageSize || kept.length < rows.length || (job.until !== null && after >= job.until)) break;
    }
    parentPort.postMessage(null);
    await client.end();
  })(); // a failure is an unhandled rejection, which ends the worker with an 'error' the reader rethrows
}
