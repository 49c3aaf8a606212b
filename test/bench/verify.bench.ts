/**
 * Whole-log verification against plain SHA-256 of the very same bytes, in the same run, on one
 * core. The log is built in memory as the store keeps it (each event's entry text, its chain hash,
 * a signed checkpoint every 1,000 events), in chain version 2 (a new log's) and, for comparison,
 * in version 1 (a log's events before its switch); verification is LogVerifier over it: every event's
 * hash, the chain's order, the Merkle roots and each checkpoint's signature. The baseline hashes
 * each entry once with SHA-256 and nothing else, the fastest plain way node:crypto offers (one-shot
 * crypto.hash to a string; a Hash object, or a Buffer result, costs more): the least any
 * verification must do. A second
 * figure reads the same log from PGlite through LogIntegrity.verify (the database's share).
 *
 * Run: npm run bench:verify
 */
import * as crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openPgliteEventStore, SqlLogCheckpoints } from '@register/event-store';
import { chainHash, ChainRow, ChainVersion, Frontier, genesisOf, leafOf, LogIntegrity, LogVerifier, signCheckpoint, toHex } from '@register/verifiable-log';
import { anEvent } from '../support/events';
import { environment, printTable, round, writeResults } from './bench-util';

const EVENTS = Number(process.env.BENCH_VERIFY_EVENTS ?? 200_000);
const DB_EVENTS = Number(process.env.BENCH_VERIFY_DB_EVENTS ?? 30_000);
const ROUNDS = 5;
const TARGETS = { eventsPerSec: 100_000, ratio: 0.5 };
const keys = crypto.generateKeyPairSync('ed25519');

/** A log as stored: entries in the form event_entry gives (a ~0.5 KB member admission), chained. */
function buildLog(n: number, version: ChainVersion): { rows: ChainRow[]; notes: string[]; bytes: number } {
  const rows: ChainRow[] = [];
  const notes: string[] = [];
  const frontier = Frontier.empty();
  let prev = genesisOf(version);
  let bytes = 0;
  for (let seq = 0; seq < n; seq += 1) {
    const e = anEvent('MemberAdmitted', { memberId: `m-${seq}`, branchId: `b-${seq % 3000}`, fullName: { sealed: 'x'.repeat(120) }, admittedOn: '2026-03-26', gender: 'female' });
    const entry = JSON.stringify([e.eventId, `member-${seq}`, 0, e.type, 1, e.data, e.metadata, '2026-12-02T08:00:00.000Z']);
    const hash = chainHash(version, prev, entry);
    rows.push({ position: seq + 1, seq, prevHash: toHex(prev), hash: toHex(hash), entry, version });
    bytes += Buffer.byteLength(entry);
    frontier.append(leafOf(version, hash));
    if ((seq + 1) % 1000 === 0) notes.push(signCheckpoint({ origin: 'bench', size: seq + 1, root: frontier.root() }, 'union-register', keys.privateKey, keys.publicKey));
    prev = hash;
  }
  return { rows, notes, bytes };
}

function verifyAll(rows: ChainRow[], notes: string[]): number {
  const verifier = new LogVerifier();
  for (const row of rows) verifier.feed(row);
  const verdict = verifier.finish(notes, 'union-register', keys.publicKey);
  if (verdict.problems.length > 0) throw new Error(`the honest log did not verify: ${verdict.problems[0].detail}`);
  return rows.length;
}

function hashAll(rows: ChainRow[]): number {
  let x = 0;
  for (const row of rows) x ^= crypto.hash('sha256', row.entry, 'binary').charCodeAt(0); // a latin1 string: the cheapest output to make
  return rows.length + (x & 0);
}

/** Rounds alternate the two (verify first, then hash first, …); each side's total rate. */
function compare(rows: ChainRow[], notes: string[]) {
  const time = { verify: 0, hash: 0 };
  for (let r = 0; r < ROUNDS; r += 1) {
    const order: Array<['verify' | 'hash', () => number]> = [
      ['verify', () => verifyAll(rows, notes)],
      ['hash', () => hashAll(rows)],
    ];
    if (r % 2 === 1) order.reverse();
    for (const [side, run] of order) {
      const t0 = performance.now();
      run();
      time[side] += performance.now() - t0;
    }
  }
  const rate = (ms: number) => (rows.length * ROUNDS) / (ms / 1000);
  return { verifyPerSec: rate(time.verify), hashPerSec: rate(time.hash) };
}

async function fromPglite(n: number) {
  const store = await openPgliteEventStore();
  for (let i = 0; i < n; i += 500) await store.append(`bench-${i}`, Array.from({ length: Math.min(500, n - i) }, (_, k) => anEvent('MemberAdmitted', { memberId: `m-${i + k}`, fullName: { sealed: 'x'.repeat(120) } })), 'no_stream');
  const sql = (store as unknown as { sql: Parameters<typeof SqlLogCheckpoints.open>[0] }).sql;
  const integrity = new LogIntegrity('bench', 'bench', store.chain, await SqlLogCheckpoints.open(sql, 'register'), { name: 'union-register', ...keys });
  await integrity.checkpoint();
  const t0 = performance.now();
  const verdict = await integrity.verify();
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  if (verdict.problems.length > 0) throw new Error('the PGlite log did not verify');
  return { events: verdict.events, seconds: round(seconds, 2), eventsPerSec: Math.round(verdict.events / seconds) };
}

async function main(): Promise<void> {
  const started = performance.now();
  const v2 = buildLog(EVENTS, 2);
  console.log(`verify bench: ${EVENTS} events (${round(v2.bytes / EVENTS)} bytes of entry each), ${v2.notes.length} checkpoints, ${ROUNDS} rounds each way`);
  verifyAll(v2.rows.slice(0, 5000), v2.notes.slice(0, 5));
  const memory = compare(v2.rows, v2.notes);
  const ratio = round(memory.verifyPerSec / memory.hashPerSec, 3);
  const v1 = buildLog(EVENTS, 1);
  const memoryV1 = compare(v1.rows, v1.notes);
  const ratioV1 = round(memoryV1.verifyPerSec / memoryV1.hashPerSec, 3);
  const db = await fromPglite(DB_EVENTS);
  printTable(
    ['measure', 'ours', 'baseline', 'ratio', 'target', ''],
    [
      ['whole-log verification, events/s (in memory, chain v2)', Math.round(memory.verifyPerSec), Math.round(memory.hashPerSec), ratio, `≥ ${TARGETS.ratio}× and ≥ ${TARGETS.eventsPerSec}/s`, ratio >= TARGETS.ratio && memory.verifyPerSec >= TARGETS.eventsPerSec ? 'ok' : 'BELOW'],
      ['the same log in chain v1 (before its switch), events/s', Math.round(memoryV1.verifyPerSec), Math.round(memoryV1.hashPerSec), ratioV1, '-', ''],
      [`the v2 log read from PGlite (${db.events} events), events/s`, db.eventsPerSec, Math.round(memory.verifyPerSec), round(db.eventsPerSec / memory.verifyPerSec, 3), '-', ''],
    ],
    'Verification against plain SHA-256 of the same bytes (one core, the same run)',
  );
  const file = writeResults('verify', { environment: environment(), events: EVENTS, rounds: ROUNDS, memory, ratio, memoryV1, ratioV1, db });
  console.log(`\n${round((performance.now() - started) / 1000, 1)} s in all; figures in ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
