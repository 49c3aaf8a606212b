/**
 * The live rate of one projection (issue 21: on FerretDB, no projection's live rate below 500
 * events/s): a `ProjectionRunner` as a service runs it (`start()`: lease, prepare, catch-up, follow;
 * the service's options, which are the runner's defaults) catching up from position 0 to a head,
 * timed to its checkpoint reaching that head; then a steady tail: the log's last events released
 * one at a time at a fixed pace through the runner's live path (its subscription, the bursts it
 * writes), with the lag (released head minus checkpoint) sampled at every release.
 *
 * The tail re-feeds recorded events rather than sending commands: the bench reads a copy of an
 * embedded register's logs, not a running service. `ReleasedLog` is that log cut at a head that
 * the bench moves, and wakes its subscribers when it moves, as an append through the service's
 * own store wakes its runners (PGlite's in-process notify).
 */
import { performance } from 'node:perf_hooks';
import { EventHandler, RecordedEvent, SubscribeOptions, Subscription } from '@register/event-sourcing';
import { AnyProjection, EventSource, ProjectionRunner, ReadStore, RunnerOptions } from '@register/read-models';
import { percentile, round } from './bench-util';

type Log = Pick<EventSource, 'readAll' | 'headPosition'>;

/** Every position of the log, in order (read in pages), and the seconds the read took: the floor under any pass over it. */
export async function positionsOf(log: Log, page: number): Promise<{ positions: number[]; seconds: number }> {
  const t0 = performance.now();
  const positions: number[] = [];
  for (let after = 0; ; ) {
    const events = await log.readAll(after, page);
    for (const e of events) positions.push(e.position);
    if (events.length < page) break;
    after = events[events.length - 1].position;
  }
  return { positions, seconds: (performance.now() - t0) / 1000 };
}

/** How many positions are at or before `position` (positions need not be contiguous). */
export function countUpTo(positions: readonly number[], position: number): number {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (positions[mid] <= position) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The log up to a head the caller moves (`release`); subscribers are woken when it moves. No
 * read-ahead: PGlite has none. A read asks the log for the released events only, as a read at the
 * real head would (asking for a page and dropping what is beyond the head read up to 1000 unreleased
 * events for each event of the tail: 20-60 ms of the runner's thread, most of the lag measured so).
 */
export class ReleasedLog implements EventSource {
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly log: Log,
    private readonly positions: readonly number[],
    public head: number,
  ) {}

  release(position: number): void {
    this.head = position;
    for (const wake of [...this.waiting]) wake();
  }

  headPosition = async (): Promise<number> => this.head;

  readAll = async (after: number, limit: number): Promise<RecordedEvent[]> => {
    const head = this.head;
    const released = countUpTo(this.positions, head) - countUpTo(this.positions, after);
    if (released <= 0) return [];
    return (await this.log.readAll(after, Math.min(limit, released))).filter((e) => e.position <= head);
  };

  subscribe(after: number, handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    let stopped = false;
    let wakeNow: (() => void) | undefined;
    const done = (async () => {
      for (let position = after; !stopped; ) {
        const page = await this.readAll(position, options.batchSize ?? 1000);
        for (const event of page) {
          if (stopped) return;
          await handler(event);
          position = event.position;
        }
        if (page.length > 0 || stopped) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(wake, options.pollMs ?? 200);
          function wake() {
            clearTimeout(timer);
            resolve();
          }
          wakeNow = wake;
          this.waiting.add(wake);
        }).finally(() => wakeNow && this.waiting.delete(wakeNow));
      }
    })();
    return {
      done,
      stop: async () => {
        stopped = true;
        wakeNow?.();
        await done.catch(() => undefined);
      },
    };
  }
}

export interface LiveOptions {
  /** Runner options beside the service's (none: its defaults), e.g. `initialLoad: false` for batches from 0. */
  runner: Omit<RunnerOptions, 'target'>;
  /** Stop the catch-up after this many seconds and report what it reached (a lower bound). */
  maxSeconds: number;
  /**
   * The last events of the log are kept for the tail: `tailEvents` per pace, released at each pace of
   * `tailRates` (events/s) in turn; at most a fifth of the log, so that a short log still has a catch-up.
   */
  tailEvents: number;
  tailRates: number[];
}

export interface LiveResult {
  /** Events the catch-up applied (to the checkpoint), its seconds, and events/s; `complete` false when stopped at maxSeconds. */
  events: number;
  seconds: number;
  rate: number;
  complete: boolean;
  /** The tail: events released, at what pace, the lag in events (released head minus checkpoint) sampled at each release, and each event's time from release to checkpoint. */
  tail: Array<{ events: number; rate: number; /** events over the seconds from the first release to the checkpoint at the last: below `rate` when it fell behind */ applied: number; lagP50: number; lagP95: number; lagMax: number; msP50: number; msP95: number; msMax: number; drainSeconds: number }>;
}

/**
 * Runs the projection as a service does on `store` (an empty database) over `log`: catch-up from
 * 0 to the head before the tail, timed to the checkpoint; then the tail. Leaves the copy written.
 */
export async function measureLive(log: Log, positions: readonly number[], store: ReadStore, projection: AnyProjection, options: LiveOptions): Promise<LiveResult> {
  const perRate = Math.min(options.tailEvents, Math.floor(positions.length / 5 / Math.max(1, options.tailRates.length)));
  const tailEvents = perRate * options.tailRates.length;
  const catchUpHead = positions[positions.length - 1 - tailEvents] ?? 0;
  const view = new ReleasedLog(log, positions, catchUpHead);
  const quiet = { log: () => undefined, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
  const runner = new ProjectionRunner(view, store, projection, { owner: 'bench:live', logger: quiet, ...options.runner });
  const t0 = performance.now();
  runner.start();
  try {
    const complete = await runner.waitFor(catchUpHead, options.maxSeconds * 1000);
    const seconds = (performance.now() - t0) / 1000;
    const events = countUpTo(positions, runner.position);
    const result: LiveResult = { events, seconds: round(seconds, 3), rate: round(events / seconds, 1), complete, tail: [] };
    if (!complete || perRate === 0) return result;
    for (const [k, rate] of options.tailRates.entries()) {
      const from = positions.length - tailEvents + k * perRate;
      result.tail.push(await tail(view, runner, positions.slice(from, from + perRate), positions, rate));
    }
    return result;
  } finally {
    await runner.stop();
  }
}

/** Releases `events` (the caught-up runner's next ones) one at a time at `rate`/s and follows the checkpoint. */
async function tail(view: ReleasedLog, runner: ProjectionRunner, events: readonly number[], positions: readonly number[], rate: number): Promise<LiveResult['tail'][number]> {
  const lags: number[] = [];
  const latencies: number[] = new Array(events.length);
  const reached = events.map((position, i) => {
    let released = 0;
    return {
      release: () => {
        released = performance.now();
        void runner.waitFor(position, 600_000).then(() => (latencies[i] = performance.now() - released));
      },
    };
  });
  const start = performance.now();
  for (let i = 0; i < events.length; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    lags.push(i - (countUpTo(positions, runner.position) - countUpTo(positions, events[0] - 1))); // released so far minus applied
    view.release(events[i]);
    reached[i].release();
  }
  const last = performance.now();
  await runner.waitFor(events[events.length - 1], 600_000);
  const end = performance.now();
  const drainSeconds = (end - last) / 1000;
  await new Promise((resolve) => setImmediate(resolve));
  const lagSorted = [...lags].sort((a, b) => a - b);
  const msSorted = latencies.filter((x) => x !== undefined).sort((a, b) => a - b);
  return {
    events: events.length,
    rate,
    applied: round((events.length * 1000) / (end - start), 1),
    lagP50: percentile(lagSorted, 50),
    lagP95: percentile(lagSorted, 95),
    lagMax: lagSorted[lagSorted.length - 1] ?? 0,
    msP50: round(percentile(msSorted, 50), 1),
    msP95: round(percentile(msSorted, 95), 1),
    msMax: round(msSorted[msSorted.length - 1] ?? 0, 1),
    drainSeconds: round(drainSeconds, 3),
  };
}
