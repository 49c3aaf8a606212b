/**
 * Projection rebuild throughput against a plain read of the same log, in the same run.
 *
 * The log: REPLAY_EVENTS synthetic register events (default 1,000,000; the branch directory's
 * workload of test/read-models: members joining, leaving and moving, branches established, renamed
 * and merged) appended to a fresh schema on PostgreSQL through the store's own append function,
 * 5,000 events per append (one round trip each).
 * The baseline: reading that log from the start with `readAll` pages of the runner's page size,
 * one after the other, doing nothing with the events. Measured right before and right after each
 * rebuild; the baseline is the mean of the two, so that load from elsewhere hits both sides alike.
 * The rebuild: a ProjectionRunner from position 0 into an empty copy (what rebuildLive does into
 * its shadow copy, before the switch-in), default options, into the embedded memory store and into
 * FerretDB: an initial load (libs/read-models/src/initial-load.ts), the log read ahead on a worker
 * thread, the documents folded in memory and, on FerretDB, inserted once each at the end.
 * FerretDB's ceiling: the same documents inserted with plain insertMany calls into a scratch
 * collection, timed; a rebuild can be no faster than inserting what it builds, so the output
 * gives the ratio a rebuild that did nothing but those inserts would reach.
 * REPLAY_FERRET_EVENTS (default: all) rebuilds only the first events of the log into FerretDB.
 *
 * Run: npm run bench:replay   (env REGISTER_PG_URL, REGISTER_MONGO_URL, REPLAY_EVENTS, REPLAY_FERRET_EVENTS)
 */
import { performance } from 'node:perf_hooks';
import { openPostgresEventStore, postgresClient, SqlEventStore } from '@register/event-store';
import { MemoryReadStore, MongoReadStore, ProjectionRunner, ReadStore } from '@register/read-models';
import { appendWorkload, branchDirectory } from '../read-models/branch-directory';
import { environment, positionOf, printTable, round, writeResults } from './bench-util';

const PG_URL = process.env.REGISTER_PG_URL ?? 'postgres://register:register@127.0.0.1:55432/register_test';
const MONGO_URL = process.env.REGISTER_MONGO_URL ?? 'mongodb://127.0.0.1:27017/';
const EVENTS = Number(process.env.REPLAY_EVENTS ?? 1_000_000);
const FERRET_EVENTS = Math.min(EVENTS, Number(process.env.REPLAY_FERRET_EVENTS ?? EVENTS));
const PAGE = 1000; // the runner's default page size
const PER_APPEND = 5000;
const TARGET = 0.7;

interface Timed {
  events: number;
  seconds: number;
  eventsPerSec: number;
}

const timed = (events: number, ms: number): Timed => ({ events, seconds: round(ms / 1000, 2), eventsPerSec: Math.round(events / (ms / 1000)) });

/** The baseline: the log read from the start in pages, up to `until`, nothing done with the events. */
async function plainRead(log: SqlEventStore, until: number): Promise<Timed> {
  const t0 = performance.now();
  let after = 0;
  let events = 0;
  for (;;) {
    const page = await log.readAll(after, PAGE);
    for (const event of page) if (event.position <= until) events++;
    if (page.length < PAGE || page[page.length - 1].position >= until) break;
    after = page[page.length - 1].position;
  }
  return timed(events, performance.now() - t0);
}

/** FerretDB's own insert rate for the documents a rebuild wrote: plain insertMany calls of the rebuilt copy into a scratch collection. */
async function insertCeiling(from: MemoryReadStore, into: MongoReadStore): Promise<{ documents: number; seconds: number; docsPerSec: number }> {
  const t0 = performance.now();
  let documents = 0;
  for (const c of Object.keys(branchDirectory.collections)) {
    const docs = from.documentsOf(`${branchDirectory.name}.${c}`);
    await into.insert(`ceiling.${c}`, docs.values());
    documents += docs.size;
  }
  const seconds = (performance.now() - t0) / 1000;
  for (const c of Object.keys(branchDirectory.collections)) await into.dropCollection(`ceiling.${c}`);
  return { documents, seconds: round(seconds, 2), docsPerSec: Math.round(documents / seconds) };
}

async function rebuild(log: SqlEventStore, store: ReadStore, until: number): Promise<Timed & { documents: Record<string, number> }> {
  const runner = new ProjectionRunner(log, store, branchDirectory, { owner: 'bench', pageSize: PAGE });
  const t0 = performance.now();
  const { events } = await runner.runOnce(until);
  const ms = performance.now() - t0;
  const documents: Record<string, number> = {};
  for (const c of Object.keys(branchDirectory.collections)) documents[c] = await store.count(`${branchDirectory.name}.${c}`);
  return { ...timed(events, ms), documents };
}

interface Comparison {
  store: string;
  rebuild: Timed & { documents: Record<string, number> };
  plainBefore: Timed;
  plainAfter: Timed;
  /** rebuild events/s over the mean plain read events/s. */
  ratio: number;
}

async function compare(name: string, log: SqlEventStore, store: ReadStore, until: number): Promise<Comparison> {
  const plainBefore = await plainRead(log, until);
  console.log(`  ${name}: plain read of ${plainBefore.events.toLocaleString('en-US')} events in ${plainBefore.seconds} s; rebuilding...`);
  const built = await rebuild(log, store, until);
  console.log(`  ${name}: rebuilt ${built.events.toLocaleString('en-US')} events in ${built.seconds} s`);
  const plainAfter = await plainRead(log, until);
  const baseline = (plainBefore.eventsPerSec + plainAfter.eventsPerSec) / 2;
  return { store: name, rebuild: built, plainBefore, plainAfter, ratio: round(built.eventsPerSec / baseline, 3) };
}


async function main(): Promise<void> {
  const started = performance.now();
  const schema = `bench_replay_${Date.now()}`;
  const database = `bench_replay_${Date.now()}`;
  console.log(`replay bench: ${EVENTS.toLocaleString('en-US')} events into schema ${schema} on ${PG_URL.replace(/\/\/[^@]*@/, '//')}`);
  const log = await openPostgresEventStore(PG_URL, schema);
  let mongo: MongoReadStore | undefined;
  try {
    const t0 = performance.now();
    const head = await appendWorkload(log, { events: EVENTS, branches: 2000, perAppend: PER_APPEND, stream: 'bench' });
    const fill = timed(EVENTS, performance.now() - t0);
    console.log(`log filled in ${fill.seconds} s (${fill.eventsPerSec.toLocaleString('en-US')} events/s, ${PER_APPEND} events per append)`);

    const memoryStore = new MemoryReadStore();
    const memory = await compare('memory', log, memoryStore, head);
    mongo = await MongoReadStore.connect(MONGO_URL, database);
    const ferretUntil = await positionOf(log, PAGE, FERRET_EVENTS);
    const ferret = await compare(mongo.kind, log, mongo, ferretUntil);
    const ceiling = FERRET_EVENTS === EVENTS ? await insertCeiling(memoryStore, mongo) : undefined;
    await memoryStore.close();

    const rows = [memory, ferret].map((c) => [
      c.store,
      c.rebuild.events,
      Math.round((c.plainBefore.eventsPerSec + c.plainAfter.eventsPerSec) / 2),
      c.rebuild.eventsPerSec,
      c.ratio,
      `≥ ${TARGET}`,
      c.ratio >= TARGET ? 'ok' : 'BELOW',
      `${c.plainBefore.eventsPerSec} / ${c.plainAfter.eventsPerSec}`,
      Object.entries(c.rebuild.documents).map(([k, n]) => `${k}:${n}`).join(' '),
    ]);
    printTable(
      ['read store', 'events', 'plain read ev/s', 'rebuild ev/s', 'ratio', 'target', '', 'plain before / after', 'documents'],
      rows,
      `Rebuild from the PostgreSQL log vs a plain read of the same log (pages of ${PAGE}), same run`,
    );
    console.log(`\nTime to rebuild ${memory.rebuild.events.toLocaleString('en-US')} events into the embedded memory store: ${memory.rebuild.seconds} s`);
    if (FERRET_EVENTS < EVENTS) {
      const projected = round(EVENTS / ferret.rebuild.eventsPerSec, 0);
      console.log(`FerretDB rebuilt the first ${FERRET_EVENTS.toLocaleString('en-US')} events only (REPLAY_FERRET_EVENTS); at its rate ${EVENTS.toLocaleString('en-US')} would take about ${projected} s (not measured)`);
    } else console.log(`Time to rebuild ${ferret.rebuild.events.toLocaleString('en-US')} events into ${ferret.store}: ${ferret.rebuild.seconds} s`);
    let ceilingRatio: number | undefined;
    if (ceiling) {
      const baseline = (ferret.plainBefore.eventsPerSec + ferret.plainAfter.eventsPerSec) / 2;
      ceilingRatio = round(EVENTS / ceiling.seconds / baseline, 3);
      console.log(
        `${ferret.store}'s own insert rate for the ${ceiling.documents.toLocaleString('en-US')} documents rebuilt (plain insertMany, same run): ${ceiling.docsPerSec.toLocaleString('en-US')} documents/s, ${ceiling.seconds} s. ` +
          `A rebuild that did nothing but insert them would reach ${ceilingRatio}× the plain read: the ceiling on this server; the rebuild reached ${round(ferret.ratio / ceilingRatio, 2)} of it.`,
      );
    }
    const file = writeResults('replay', { environment: environment(), events: EVENTS, ferretEvents: FERRET_EVENTS, page: PAGE, perAppend: PER_APPEND, target: TARGET, fill, results: { memory, ferret }, ferretInsertCeiling: ceiling && { ...ceiling, ratio: ceilingRatio } });
    console.log(`\n${round((performance.now() - started) / 1000, 1)} s in all; figures in ${file}`);
  } finally {
    if (mongo) {
      await mongo.connection.db!.dropDatabase();
      await mongo.close();
    }
    const sql = postgresClient({ connectionString: PG_URL });
    await sql.exec(`drop schema if exists ${schema} cascade`);
    await sql.close();
    await log.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
