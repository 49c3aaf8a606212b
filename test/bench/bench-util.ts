// Small, generic helpers shared by the benchmarks: time a loop, summarise it, print a table, save JSON.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface Summary {
  name: string;
  /** Operations timed (e.g. appends, page reads). */
  ops: number;
  /** What the operations processed (e.g. events); equals `ops` unless the body returns a count. */
  units: number;
  seconds: number;
  opsPerSec: number;
  unitsPerSec: number;
  /** Per-operation latency in milliseconds. */
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
}

export interface RunOptions {
  /** Stop after this many operations... */
  ops?: number;
  /** ...or after this many seconds, whichever comes first (at least one of the two). */
  seconds?: number;
}

/**
 * Times a loop of awaited operations, one after the other. `body(i)` may return how many units the
 * operation processed (events in a batch, rows in a page).
 * Several `run`s add up, so callers can alternate rounds of two contenders and compare totals.
 */
export class Measurement {
  private readonly latencies: number[] = [];
  private units = 0;
  private elapsed = 0;

  constructor(readonly name: string) {}

  async run(body: (i: number) => Promise<number | void>, options: RunOptions): Promise<this> {
    const maxOps = options.ops ?? Number.POSITIVE_INFINITY;
    const deadline = options.seconds === undefined ? Number.POSITIVE_INFINITY : options.seconds * 1000;
    const start = performance.now();
    for (let i = 0; i < maxOps && performance.now() - start < deadline; i++) {
      const t0 = performance.now();
      const n = await body(i);
      this.latencies.push(performance.now() - t0);
      this.units += n ?? 1;
    }
    this.elapsed += performance.now() - start;
    return this;
  }

  summary(): Summary {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const seconds = this.elapsed / 1000;
    const sum = sorted.reduce((a, b) => a + b, 0);
    return {
      name: this.name,
      ops: sorted.length,
      units: this.units,
      seconds: round(seconds, 3),
      opsPerSec: round(sorted.length / seconds, 1),
      unitsPerSec: round(this.units / seconds, 1),
      latencyMs: {
        mean: round(sum / Math.max(1, sorted.length), 3),
        p50: round(percentile(sorted, 50), 3),
        p90: round(percentile(sorted, 90), 3),
        p99: round(percentile(sorted, 99), 3),
        max: round(sorted[sorted.length - 1] ?? 0, 3),
      },
    };
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Prints rows as an aligned text table; numbers are right-aligned. */
export function printTable(headers: string[], rows: (string | number)[][], title?: string): void {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US', { maximumFractionDigits: 3 }) : c)))];
  const widths = headers.map((_, j) => Math.max(...cells.map((r) => (r[j] ?? '').length)));
  const line = (r: string[], numeric: boolean[]) => r.map((c, j) => (numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join('  ');
  if (title) console.log(`\n${title}`);
  console.log(line(cells[0], headers.map(() => false)));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const [k, r] of rows.entries()) console.log(line(cells[k + 1], r.map((c) => typeof c === 'number')));
}

/** Where and on what the figures were taken, to keep next to them. */
export function environment(): Record<string, unknown> {
  return { node: process.version, platform: platform(), arch: arch(), cpus: cpus().length, cpu: cpus()[0]?.model, at: new Date().toISOString() };
}

/** Writes `bench-results/<name>.json` under the working directory (npm runs scripts from the repo root). */
export function writeResults(name: string, data: unknown): string {
  const dir = resolve(process.cwd(), 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
  return file;
}

/** The position of the n-th event of a log, read in pages of `page` (positions need not be contiguous). */
export async function positionOf(log: { readAll(after: number, limit: number): Promise<{ position: number }[]> }, page: number, n: number): Promise<number> {
  let after = 0;
  for (let left = n; left > 0; ) {
    const events = await log.readAll(after, Math.min(page, left));
    if (events.length === 0) break;
    after = events[events.length - 1].position;
    left -= events.length;
  }
  return after;
}

const children = new Set<ChildProcess>();
let stopsChildren = false;

/**
 * A child process (a start being measured) that goes with the bench: when the bench is stopped
 * (SIGINT, SIGTERM) its live children are sent SIGTERM and waited for (up to 30 s: a start writes
 * its snapshot at shutdown) before it exits. Without it a killed bench left its starts running,
 * one of them on a data folder the next run opened.
 */
export function ownChild(child: ChildProcess): ChildProcess {
  if (!stopsChildren) {
    stopsChildren = true;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopChildren().then(() => process.exit(128 + (signal === 'SIGINT' ? 2 : 15))));
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function stopChildren(): Promise<void> {
  const live = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
  const exited = live.map((c) => new Promise<void>((done) => c.once('exit', () => done())));
  for (const c of live) c.kill('SIGTERM');
  await Promise.race([Promise.all(exited), new Promise((r) => setTimeout(r, 30_000))]);
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
