/**
 * What one event's inclusion proof and a short export cost as the log grows: each beside reading
 * that one event from the same store in the same run (the least a proof must do), at each size of
 * BENCH_PROOF_SIZES. The log is appended as the store keeps it (batches of 500, chained) and signed
 * every 1,000 events, as a service does on its cadence; the proofs are of events spread over the log.
 * A proof's cost should not grow with the log: the last size's figure beside the first's says so.
 *
 * Run: npm run bench:proof   (env BENCH_PROOF_SIZES=20000,200000, BENCH_PROOF_ASKS=40)
 */
import * as crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openPgliteEventStore, SqlEventStore, SqlLogCheckpoints } from '@register/event-store';
import { LogIntegrity } from '@register/verifiable-log';
import { anEvent } from '../support/events';
import { environment, percentile, printTable, round, writeResults } from './bench-util';

const SIZES = (process.env.BENCH_PROOF_SIZES ?? '20000,200000').split(',').map(Number);
const ASKS = Number(process.env.BENCH_PROOF_ASKS ?? 40);
const EXPORTED = 100;
const keys = crypto.generateKeyPairSync('ed25519');

async function buildLog(n: number): Promise<{ store: SqlEventStore; integrity: LogIntegrity }> {
  const store = await openPgliteEventStore();
  const sql = (store as unknown as { sql: Parameters<typeof SqlLogCheckpoints.open>[0] }).sql;
  const integrity = new LogIntegrity('bench', 'bench', store.chain, await SqlLogCheckpoints.open(sql, 'register'), { name: 'union-register', ...keys });
  const t0 = performance.now();
  for (let i = 0; i < n; i += 500) {
    const events = Array.from({ length: Math.min(500, n - i) }, (_, k) => anEvent('MemberAdmitted', { memberId: `m-${i + k}`, fullName: { sealed: 'x'.repeat(120) } }));
    await store.append(`bench-${i}`, events, 'no_stream');
    if ((i + 500) % 1000 === 0 || i + 500 >= n) await integrity.checkpoint();
    if ((i / 500) % 100 === 0) process.stdout.write(`\r  ${n}: ${i + events.length} events appended and signed (${round((performance.now() - t0) / 1000, 1)} s)`);
  }
  process.stdout.write('\n');
  return { store, integrity };
}

async function timed(times: number[], body: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await body();
  times.push(performance.now() - t0);
}

async function drain(lines: AsyncIterable<string>): Promise<number> {
  let n = 0;
  for await (const _ of lines) n += 1;
  return n;
}

const p = (times: number[], q: number) => round(percentile([...times].sort((a, b) => a - b), q), 2);

async function measure(n: number) {
  const { store, integrity } = await buildLog(n);
  const { position: head } = await store.chain.head();
  const positions = Array.from({ length: ASKS }, (_, i) => 1 + Math.floor(((i + 0.5) / ASKS) * (head - 1)));
  const [proof, read, exported, exportRead] = [[], [], [], []] as number[][];
  for (const position of positions) {
    // Alternated, so that the store's caches serve both alike.
    await timed(read, () => store.chain.entries(position - 1, 1));
    await timed(proof, async () => {
      if (!(await integrity.inclusionProof(position))?.proof) throw new Error(`no proof of ${position}`);
    });
  }
  for (let i = 0; i < 5; i += 1) {
    const from = head - EXPORTED * (i + 1);
    await timed(exportRead, () => store.chain.entries(from - 1, EXPORTED));
    await timed(exported, () => drain(integrity.bundle(from, from + EXPORTED - 1)));
  }
  const verification = await fromKept(integrity, n);
  const upgrade = await drawnOnce(store, head);
  await store.close();
  return { events: n, upgrade, verification, proofMs: { p50: p(proof, 50), p95: p(proof, 95) }, readMs: { p50: p(read, 50), p95: p(read, 95) }, exportMs: { p50: p(exported, 50) }, exportReadMs: { p50: p(exportRead, 50) } };
}

/** A verification from the checkpoint 1,000 events before the head, beside the whole log's. */
async function fromKept(integrity: LogIntegrity, n: number) {
  const kept = (await integrity.checkpointsMade()).find((c) => c.size === n - 1000);
  if (!kept) throw new Error(`no checkpoint at ${n - 1000}`);
  const t0 = performance.now();
  const whole = await integrity.verify();
  const t1 = performance.now();
  const part = await integrity.verify(kept.note);
  const t2 = performance.now();
  if (whole.problems.length + part.problems.length > 0 || part.events !== 1000) throw new Error('the log did not verify as it should');
  return { wholeMs: Math.round(t1 - t0), fromKeptMs: Math.round(t2 - t1) };
}

/** A log signed before the nodes were kept: the one pass that draws them, beside reading every leaf once. */
async function drawnOnce(store: SqlEventStore, head: number) {
  const sql = (store as unknown as { sql: Parameters<typeof SqlLogCheckpoints.open>[0] }).sql;
  const probe = new LogIntegrity('bench', 'bench', store.chain, await SqlLogCheckpoints.open(sql, 'register'), { name: 'union-register', ...keys });
  const t0 = performance.now();
  await probe.leaves(head);
  const readMs = performance.now() - t0;
  await sql.query('delete from register.log_tree_nodes');
  const t1 = performance.now();
  await probe.checkpoint();
  return { drawMs: Math.round(performance.now() - t1), readMs: Math.round(readMs) };
}

async function main(): Promise<void> {
  const started = performance.now();
  const results = [];
  for (const n of SIZES) results.push(await measure(n));
  const rows = results.flatMap((r) => [
    [`inclusion proof, ${r.events} events, p50 ms (p95)`, `${r.proofMs.p50} (${r.proofMs.p95})`, `${r.readMs.p50} (${r.readMs.p95})`, round(r.proofMs.p50 / Math.max(r.readMs.p50, 0.001), 1)],
    [`export of ${EXPORTED} events, ${r.events} events, p50 ms`, r.exportMs.p50, r.exportReadMs.p50, round(r.exportMs.p50 / Math.max(r.exportReadMs.p50, 0.001), 1)],
    [`verification from a kept checkpoint, the last 1,000 of ${r.events} events, ms; baseline: the whole log's`, r.verification.fromKeptMs, r.verification.wholeMs, round(r.verification.fromKeptMs / Math.max(r.verification.wholeMs, 1), 3)],
    [`the nodes drawn once over ${r.events} events (an upgrade), ms; baseline: every leaf read`, r.upgrade.drawMs, r.upgrade.readMs, round(r.upgrade.drawMs / Math.max(r.upgrade.readMs, 1), 1)],
  ]);
  printTable(['measure', 'ours', 'baseline: reading the same event(s)', 'ratio (× the read)'], rows, 'A proof and a short export against reading the same events (PGlite, the same run)');
  const [first, last] = [results[0], results[results.length - 1]];
  const growth = round(last.proofMs.p50 / first.proofMs.p50, 2);
  console.log(`\ngrowth of a proof's p50 from ${first.events} to ${last.events} events: ${growth}× (flat: ≤ 1.5×, ${growth <= 1.5 ? 'ok' : 'GROWS'});`);
  console.log(`growth of a ${EXPORTED}-event export's p50: ${round(last.exportMs.p50 / first.exportMs.p50, 2)}×`);
  const file = writeResults('proof', { environment: environment(), asks: ASKS, results, growth });
  console.log(`\n${round((performance.now() - started) / 1000, 1)} s in all; figures in ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
