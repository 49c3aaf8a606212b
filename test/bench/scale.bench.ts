/**
 * A province, grown in three stages (10%, 50% and 100% of the chosen size) through the embedded
 * start's command paths, each figure printed beside its baseline from the same run:
 * - loading: events/s through the commands, against the raw batch append rate of the same store
 *   (SqlEventStore on an on-disk PGlite, batches of 100, as bench:store measures it);
 * - per-event cost of the write path with every projection and replica behind it, at each stage
 *   (flat when nothing grows with the register's size);
 * - start-up: the embedded start (services/embedded/src/main.ts, a child process) on the data of
 *   each stage: time until /health/ready answers, and its resident memory then, resumed from the
 *   snapshot the loader left, and replaying every log (the embedded snapshot off) beside it;
 * - reads: p95 of today's reads and of asOf reads of a unit five years back, on the last stage.
 *
 * Run: SCALE_FACTOR=0.02 SCALE_UNTIL=0.15 npm run bench:scale   (SCALE_SEED, SCALE_DATA_DIR;
 * SCALE_BATCH=N sends admissions, status changes and ratings as POST /admission-batches,
 * /status-change-batches and /rating-batches of N at most, not one command each)
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { localSigningSecret, mintToken } from '@register/auth';
import { pgliteClient, SqlEventStore } from '@register/event-store';
import { anEvent } from '../support/events';
import { openEmbedded } from '../scale/embedded-register';
import { loadProvince, LoadResult } from '../scale/load-province';
import { environment, ownChild, percentile, printTable, round, writeResults } from './bench-util';
import { freePort } from '../support/free-port';

const FACTOR = Number(process.env.SCALE_FACTOR ?? 0.02);
const UNTIL = Number(process.env.SCALE_UNTIL ?? 1);
const SEED = Number(process.env.SCALE_SEED ?? 1);
const BATCH = process.env.SCALE_BATCH ? Number(process.env.SCALE_BATCH) : undefined;
/** Where to measure, as fractions of SCALE_UNTIL; a stage the data folder holds already (SCALE_DATA_DIR) loads nothing and is measured as it is. */
const STAGES = (process.env.SCALE_STAGES ?? '0.1,0.5,1').split(',').map(Number);
const READS_PER_ROUTE = 20;

/** Events/s of SqlEventStore.append in batches of 100 on an on-disk PGlite: what the store alone can take. */
async function rawBatchRate(seconds = 5): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'scale-raw-'));
  const sql = pgliteClient(await PGlite.create(dir));
  try {
    const store = await SqlEventStore.open(sql, 'raw');
    let events = 0;
    const t0 = performance.now();
    for (let k = 0; performance.now() - t0 < seconds * 1000; k++) {
      await store.append(`unit-${k}`, Array.from({ length: 100 }, () => anEvent('MemberAdmitted', { memberId: `m-${k}`, fullName: 'Nguyễn Thị Minh Anh', admittedOn: '2025-03-26' })), 'no_stream');
      events += 100;
    }
    return events / ((performance.now() - t0) / 1000);
  } finally {
    await sql.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A read's route name, HTTP status, first read after the start, p50 and p95 of all (ms). */
type ReadRow = [string, number, number, number, number];

interface Started {
  child: ChildProcess;
  port: number;
  readyMs: number;
  rssMb: number;
}

/** Starts the embedded start on `dataDir` as `npm start` would, and waits until it is ready. */
async function startEmbedded(dataDir: string, env: Record<string, string> = {}): Promise<Started> {
  const port = await freePort();
  const t0 = performance.now();
  const child = ownChild(spawn(process.execPath, ['--max-semi-space-size=64', '-r', './scripts/paths.js', 'dist/services/embedded/src/main.js'], { env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), REGISTER_RELAY: '', ...env }, stdio: 'ignore' }));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the embedded start exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const readyMs = performance.now() - t0;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
  return { child, port, readyMs, rssMb: rssKb / 1024 };
}

async function stop(s: Started): Promise<void> {
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

/** p95 of each read, sent one after the other to the started register. */
async function reads(s: Started, dataDir: string): Promise<ReadRow[]> {
  const token = await mintToken(localSigningSecret(dataDir), { sub: 'scale-reader', roles: ['central-admin'] });
  const routes: Record<string, string> = {
    'tree of the province': '/units/p/tree',
    'branch directory of a commune': '/branches?parentUnitId=c-0',
    'member list of a commune': '/members?unitId=c-0',
    "a branch's officers": '/branches/b-0-5/officers',
    'training compliance': '/training-compliance?unitId=p&year=2023',
    'ratings of a commune': '/ratings?unitId=c-0&year=2023',
    'summary of the province': '/reports/units/p/summary?year=2023',
    'asOf: tree five years back': '/units/c-0/tree?asOf=2021-06-30',
    'asOf: members five years back': '/members?unitId=c-0&asOf=2021-06-30',
  };
  const rows: ReadRow[] = [];
  for (const [name, path] of Object.entries(routes)) {
    const times: number[] = [];
    let status = 0;
    for (let i = 0; i < READS_PER_ROUTE; i++) {
      const t0 = performance.now();
      const r = await fetch(`http://127.0.0.1:${s.port}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
      await r.arrayBuffer();
      times.push(performance.now() - t0);
      status = r.status;
    }
    const first = times[0];
    times.sort((a, b) => a - b);
    rows.push([name, status, round(first, 1), round(percentile(times, 50), 1), round(percentile(times, 95), 1)]);
  }
  return rows;
}

interface Stage {
  fraction: number;
  load: LoadResult;
  events: number;
  eventsPerSec: number;
  msPerEvent: number;
  totalEvents: number;
  readyMs: number;
  rssMb: number;
  /** The loader's garbage collection during the stage's load (PerformanceObserver 'gc' entries), and its heap in use after it. */
  gcMs: number;
  heapMb: number;
  /** The same start with the embedded snapshot off: every log replayed, as every start did before it. */
  replayReadyMs: number;
  replayRssMb: number;
}

/**
 * `SCALE_READS_ONLY=1` with `SCALE_DATA_DIR`: the start-up and the reads on a register already
 * loaded (a generated district or province), without loading or the stages. Two starts: the first
 * may replay (a snapshot from another version is refused) and writes the snapshot the second resumes from.
 */
async function readsOnly(dataDir: string): Promise<void> {
  const first = await startEmbedded(dataDir);
  await stop(first);
  const started = await startEmbedded(dataDir);
  const rows = await reads(started, dataDir);
  await stop(started);
  printTable(['start', 'ready (ms)', 'RSS (MB)'], [['first', round(first.readyMs, 0), round(first.rssMb, 0)], ['resumed', round(started.readyMs, 0), round(started.rssMb, 0)]], `Start-up on ${dataDir}`);
  printTable(['read', 'status', 'first (ms)', 'p50 (ms)', 'p95 (ms)'], rows, 'Reads on the resumed start (target: today ≤ 50 ms, asOf ≤ 200 ms)');
  console.log(`load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.log(`\nsaved to ${writeResults('scale-reads', { environment: environment(), dataDir, first: { readyMs: first.readyMs, rssMb: first.rssMb }, resumed: { readyMs: started.readyMs, rssMb: started.rssMb }, reads: rows })}`);
}

async function main(): Promise<void> {
  const dataDir = resolve(process.env.SCALE_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'scale-province-')));
  mkdirSync(dataDir, { recursive: true });
  if (process.env.SCALE_READS_ONLY) return readsOnly(dataDir);
  console.log(`province at factor ${FACTOR} up to ${UNTIL * 100}% of its commands, seed ${SEED}, data in ${dataDir}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  const raw = await rawBatchRate();
  // The baseline of start-up: the same start on an empty register.
  const empty = mkdtempSync(join(tmpdir(), 'scale-empty-'));
  const idle = await startEmbedded(empty);
  await stop(idle);
  rmSync(empty, { recursive: true, force: true });
  const stages: Stage[] = [{ fraction: 0, load: { commands: 0, refused: 0, refusals: {}, seconds: 0, eventsBefore: 0, eventsAfter: 0, done: 0, total: 0 }, events: 0, eventsPerSec: 0, msPerEvent: 0, totalEvents: 0, readyMs: round(idle.readyMs, 0), rssMb: round(idle.rssMb, 0), gcMs: 0, heapMb: 0, replayReadyMs: round(idle.readyMs, 0), replayRssMb: round(idle.rssMb, 0) }];
  let readRows: ReadRow[] = [];
  for (const fraction of STAGES) {
    const register = await openEmbedded(dataDir);
    const gcBefore = gcMs.total;
    const load = await loadProvince(register, { seed: SEED, factor: FACTOR, batch: BATCH, until: fraction * UNTIL, checkpointFile: join(dataDir, 'scale-checkpoint.json') });
    const gcDuring = gcMs.total - gcBefore;
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
    await register.close();
    const events = load.eventsAfter - load.eventsBefore;
    // SCALE_REPLAY=off skips the start that replays every log (minutes at a province's size).
    const replay = process.env.SCALE_REPLAY === 'off' ? { readyMs: NaN, rssMb: NaN } : await startEmbedded(dataDir, { REGISTER_EMBEDDED_SNAPSHOTS: 'off' });
    if ('child' in replay) await stop(replay);
    // Resumes from the snapshot the loader's register wrote when it closed.
    const started = await startEmbedded(dataDir);
    if (fraction === 1) readRows = await reads(started, dataDir);
    await stop(started);
    stages.push({ fraction, load, events, eventsPerSec: round(events / load.seconds, 1), msPerEvent: round((load.seconds * 1000) / Math.max(1, events), 2), totalEvents: load.eventsAfter, readyMs: round(started.readyMs, 0), rssMb: round(started.rssMb, 0), gcMs: round(gcDuring, 0), heapMb: round(heapMb, 0), replayReadyMs: round(replay.readyMs, 0), replayRssMb: round(replay.rssMb, 0) });
  }
  report(raw, stages, readRows);
  console.log(`\nsaved to ${writeResults('scale', { environment: environment(), factor: FACTOR, until: UNTIL, seed: SEED, rawBatchEventsPerSec: round(raw, 0), stages, reads: readRows })}`);
}

/** Milliseconds of garbage collection in this process since the bench started. */
const gcMs = { total: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs.total += entry.duration;
}).observe({ entryTypes: ['gc'] });

function report(raw: number, stages: Stage[], readRows: ReadRow[]): void {
  const loaded = stages.filter((s) => s.fraction > 0);
  printTable(
    ['stage', 'events in log', 'loaded', 'events/s', 'raw batch events/s', 'ratio', 'ms/event', 'vs 10%', 'refused'],
    loaded.map((s) => [`${s.fraction * 100}%`, s.totalEvents, s.events, s.eventsPerSec, round(raw, 0), round(s.eventsPerSec / raw, 4), s.msPerEvent, loaded[0].msPerEvent ? round(s.msPerEvent / loaded[0].msPerEvent, 2) : '—', s.load.refused]),
    'Loading through the command paths (embedded start, in-process inject) vs the raw batch append of the same store',
  );
  printTable(
    ['stage', 'events in log', 'ms/event', 'GC ms/event', 'GC share', 'other ms/event', 'loader heap MB'],
    loaded.map((s) => [`${s.fraction * 100}%`, s.totalEvents, s.msPerEvent, round(s.gcMs / Math.max(1, s.events), 3), round(s.gcMs / Math.max(1, s.load.seconds * 1000), 3), round(s.msPerEvent - s.gcMs / Math.max(1, s.events), 3), s.heapMb]),
    "Where the loader's time goes: its garbage collection during each stage's load (the register's read models and views are in its heap)",
  );
  printTable(
    ['stage', 'events in log', 'ready (ms)', 'vs empty', 'RSS (MB)', 'vs empty', 'replaying: ready (ms)', 'RSS (MB)'],
    stages.map((s) => [s.fraction ? `${s.fraction * 100}%` : 'empty', s.totalEvents, s.readyMs, round(s.readyMs / stages[0].readyMs, 2), s.rssMb, round(s.rssMb / stages[0].rssMb, 2), Number.isNaN(s.replayReadyMs) ? '—' : s.replayReadyMs, Number.isNaN(s.replayRssMb) ? '—' : s.replayRssMb]),
    'Start-up of the embedded start on the data of each stage (resumed from its snapshot), beside the same start on an empty register, and the start that replays every log (REGISTER_EMBEDDED_SNAPSHOTS=off)',
  );
  printTable(['read', 'status', 'first (ms)', 'p50 (ms)', 'p95 (ms)'], readRows, 'Reads on the last stage (target: today ≤ 50 ms, asOf ≤ 200 ms)');
  const refusals = stages.flatMap((s) => Object.entries(s.load.refusals).map(([k, n]) => [`${s.fraction * 100}%`, k, n] as [string, string, number]));
  if (refusals.length) printTable(['stage', 'refusal', 'count'], refusals, 'Commands the register refused');
}

void main();
