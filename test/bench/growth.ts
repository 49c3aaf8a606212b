/**
 * The per-event cost of each projection and each in-memory replica early in a log and at its end
 * (issue 21: at 10% and at 100% of the province, it must stay flat, within 1.5×), all in memory.
 *
 * The events: each service's log read once into an array (as rebuild.bench.ts reads it: upcast,
 * personnel's personal data opened with the member keys); the read is not measured.
 * A projection: a `ProjectionRunner` on a `MemoryReadStore` in batches (`initialLoad: false`, what a
 * runner behind from a checkpoint above 0 runs), over an in-memory source of the array, `runOnce` to
 * each stage's window start (not timed), then `runOnce` through the window (timed: the batches'
 * folds and the store's writes, lease and checkpoint included).
 * A replica: fed by the consumer class the service registers (`eventsConsumer`: its redelivery check,
 * then the replica's apply), instantiated without the Nest app; the topics a replica reads merged in
 * the order of the events' recorded times (ties: the order of the feeds). Two consumers hand the
 * replica over to a reactions service (personnel's BranchSyncConsumer, training's facts consumers);
 * there the bench builds the same consumer class on the replica's own apply (`eventsConsumer` with
 * the replica as target): the reactions (commands sent when a branch closes) need the app and are
 * not measured.
 *
 * Per-event cost at a stage: the time to apply a window of W events (5% of the feed, at least
 * GROWTH_MIN_WINDOW = 1,000, at most the stage) ending at the stage, everything before it applied.
 * Stages: 10% and 100% of the feed. Ratio = µs/event at 100% / µs/event at 10% (target ≤ 1.5).
 * Each whole pass is repeated, on a fresh store or replica, GROWTH_MIN_REPEATS times (3: the first
 * pass also warms the code up), then again while the passes so far took under GROWTH_REPEAT_SECONDS
 * (3 s), up to GROWTH_REPEATS (11); the median of each window is reported.
 * What a ratio is made of: each window's events by type; for a projection, the events that have a
 * handler (the others are skipped at almost no cost); for a replica, a further pass timing each
 * event of the windows alone, by type (whether the same kind of event costs more later, or the
 * later window holds dearer kinds). Printed for the rows above the target; all in growth.json.
 */
import { performance } from 'node:perf_hooks';
import { Type } from '@nestjs/common';
import { RecordedEvent } from '@register/event-sourcing';
import { eventsConsumer } from '@register/messaging';
import { AnyProjection, EventSource, MemoryReadStore, ProjectionRunner } from '@register/read-models';
import { OrganisationSubjectsConsumer, PersonnelSubjectsConsumer, TrainingAwardsConsumer } from '../../services/evaluation/src/reactions/subject-sync.consumer';
import { AwardsReplica } from '../../services/evaluation/src/application/awards-replica';
import { SubjectsReplica } from '../../services/evaluation/src/application/subjects-replica';
import { PeopleSyncConsumer, RatingsSyncConsumer } from '../../services/organisation/src/people/people-sync.consumer';
import { PeopleReplica } from '../../services/organisation/src/people/people-replica';
import { BranchReplica } from '../../services/personnel/src/application/branch-replica';
import { BranchRatingsConsumer } from '../../services/personnel/src/reactions/branch-sync.consumer';
import { TrainingFacts } from '../../services/training/src/application/training-facts';
import { environment, printTable, round, writeResults } from './bench-util';

const WINDOW_SHARE = 0.05;
const MIN_WINDOW = Number(process.env.GROWTH_MIN_WINDOW ?? 1000);
const STAGES = [0.1, 1];
const REPEATS = Number(process.env.GROWTH_REPEATS ?? 11);
const MIN_REPEATS = Number(process.env.GROWTH_MIN_REPEATS ?? 3);
const REPEAT_SECONDS = Number(process.env.GROWTH_REPEAT_SECONDS ?? 3);
const TARGET = 1.5;
const PAGE = 1000;

type Log = Pick<EventSource, 'readAll' | 'headPosition'>;

export interface GrowthService {
  service: string;
  log: Log;
  projections: AnyProjection[];
}

export interface GrowthRow {
  kind: 'projection' | 'replica';
  name: string;
  /** What feeds it: a service's log, or the topics a replica reads. */
  feed: string;
  events: number;
  window10: number;
  window100: number;
  us10: number;
  us100: number;
  ratio: number;
  repeats: number;
  /** Projections: the window's events that have a handler (the others are skipped), and µs per handled event. */
  handled10?: number;
  handled100?: number;
  usHandled10?: number;
  usHandled100?: number;
  /** Each window's events by type. */
  mix10: Record<string, number>;
  mix100: Record<string, number>;
  /**
   * Replicas: each event of the windows timed alone (in a pass of its own, a timer read per event
   * included), by type: what an event of the same type costs at 10% and at 100%.
   */
  perType?: Record<string, { n10: number; us10: number; n100: number; us100: number; ratio: number }>;
}

/** A window: the events in (from, to] of the feed, counted (not positions). */
interface Window {
  from: number;
  to: number;
}

/** For each stage, the window of W events ending at it. */
export function windowsOf(events: number): Window[] {
  const w = Math.max(MIN_WINDOW, Math.round(events * WINDOW_SHARE));
  return STAGES.map((stage) => {
    const to = Math.round(events * stage);
    return { from: Math.max(0, to - w), to };
  });
}

/** The log in an array: every event, in order, read in pages. */
export async function readEvents(log: Log): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after = 0; ; ) {
    const page = await log.readAll(after, PAGE);
    for (const e of page) events.push(e);
    if (page.length < PAGE) break;
    after = page[page.length - 1].position;
  }
  return events;
}

/** An array of recorded events as a runner's source (catch-up only: no live follow). */
export function arraySource(events: readonly RecordedEvent[]): EventSource {
  const after = (position: number) => {
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (events[mid].position <= position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    headPosition: async () => events[events.length - 1]?.position ?? 0,
    readAll: async (position, limit) => events.slice(after(position), after(position) + limit),
    subscribe: () => {
      throw new Error('arraySource: catch-up only');
    },
  };
}

const quiet = { log: () => undefined, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
const positionAt = (events: readonly RecordedEvent[], count: number) => (count === 0 ? 0 : events[count - 1].position);

/** One pass of a projection: runs to each window's start untimed, then through the window timed; ms per window. */
async function projectionPass(projection: AnyProjection, events: readonly RecordedEvent[], windows: Window[]): Promise<number[]> {
  const store = new MemoryReadStore();
  const runner = new ProjectionRunner(arraySource(events), store, projection, { owner: 'bench:growth', initialLoad: false, leaseMs: 3_600_000, logger: quiet });
  const ms: number[] = [];
  try {
    for (const w of windows) {
      if (w.from > 0) await runner.runOnce(positionAt(events, w.from));
      const t0 = performance.now();
      const { events: applied } = await runner.runOnce(positionAt(events, w.to));
      ms.push(performance.now() - t0);
      if (runner.position !== positionAt(events, w.to)) throw new Error(`${projection.name}: at ${runner.position} after ${applied} events, not ${positionAt(events, w.to)}`);
    }
  } finally {
    await store.close();
  }
  return ms;
}

/** A consumer as the service registers it: its redelivery check, then the replica's apply. */
interface Consumer {
  onEvent(event: RecordedEvent): Promise<void>;
}

/** One pass of a replica: a fresh replica and its consumers, fed the merged feed; ms per window. */
async function replicaPass(make: () => (event: RecordedEvent) => Promise<void>, feed: readonly RecordedEvent[], windows: Window[]): Promise<number[]> {
  const apply = make();
  const ms: number[] = [];
  let next = 0;
  for (const w of windows) {
    for (; next < w.from; next++) await apply(feed[next]);
    const t0 = performance.now();
    for (; next < w.to; next++) await apply(feed[next]);
    ms.push(performance.now() - t0);
  }
  return ms;
}

/** Repeats a pass (fresh each time) while the passes took under REPEAT_SECONDS, up to REPEATS; the median of each window. */
async function repeated(pass: () => Promise<number[]>): Promise<{ ms: number[]; repeats: number; runs: number[][] }> {
  const runs: number[][] = [];
  const t0 = performance.now();
  do runs.push(await pass());
  while (runs.length < MIN_REPEATS || (runs.length < REPEATS && performance.now() - t0 < REPEAT_SECONDS * 1000));
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  return { ms: runs[0].map((_, k) => median(runs.map((r) => r[k]))), repeats: runs.length, runs };
}

function mixOf(events: readonly RecordedEvent[], w: Window): Record<string, number> {
  const mix: Record<string, number> = {};
  for (let i = w.from; i < w.to; i++) mix[events[i].type] = (mix[events[i].type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(mix).sort((a, b) => b[1] - a[1]));
}

function row(kind: GrowthRow['kind'], name: string, feed: string, events: readonly RecordedEvent[], windows: Window[], ms: number[], repeats: number, projection?: AnyProjection): GrowthRow {
  const sizes = windows.map((w) => w.to - w.from);
  const us = ms.map((m, k) => (sizes[k] > 0 ? (m * 1000) / sizes[k] : NaN));
  const [mix10, mix100] = windows.map((w) => mixOf(events, w));
  const result: GrowthRow = { kind, name, feed, events: events.length, window10: sizes[0], window100: sizes[1], us10: round(us[0], 2), us100: round(us[1], 2), ratio: round(us[1] / us[0], 2), repeats, mix10, mix100 };
  if (projection) {
    const handled = [mix10, mix100].map((mix) => Object.entries(mix).reduce((n, [type, count]) => n + (projection.handlerFor(type) ? count : 0), 0));
    const per = (k: number) => (handled[k] > 0 ? round((ms[k] * 1000) / handled[k], 2) : undefined);
    Object.assign(result, { handled10: handled[0], handled100: handled[1], usHandled10: per(0), usHandled100: per(1) });
  }
  return result;
}

/** Each event of the windows applied and timed alone, on a fresh replica, MIN_REPEATS times; the median µs by type and window. */
async function perType(make: ReplicaFeed['make'], feed: readonly RecordedEvent[], windows: Window[]): Promise<GrowthRow['perType']> {
  const passes: Array<Map<string, { n: number; ms: number }>[]> = [];
  for (let k = 0; k < MIN_REPEATS; k++) passes.push(await perTypePass(make, feed, windows));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
  const out: NonNullable<GrowthRow['perType']> = {};
  for (const [type, a] of passes[0][0]) {
    const b = passes[0][1].get(type);
    if (!b) continue;
    const us10 = median(passes.map((p) => (p[0].get(type)!.ms * 1000) / a.n));
    const us100 = median(passes.map((p) => (p[1].get(type)!.ms * 1000) / b.n));
    out[type] = { n10: a.n, us10: round(us10, 2), n100: b.n, us100: round(us100, 2), ratio: round(us100 / us10, 2) };
  }
  return out;
}

async function perTypePass(make: ReplicaFeed['make'], feed: readonly RecordedEvent[], windows: Window[]): Promise<Map<string, { n: number; ms: number }>[]> {
  const apply = make();
  const sums = windows.map(() => new Map<string, { n: number; ms: number }>());
  let next = 0;
  for (const [k, w] of windows.entries()) {
    for (; next < w.from; next++) await apply(feed[next]);
    for (; next < w.to; next++) {
      const t0 = performance.now();
      await apply(feed[next]);
      const ms = performance.now() - t0;
      const sum = sums[k].get(feed[next].type) ?? sums[k].set(feed[next].type, { n: 0, ms: 0 }).get(feed[next].type)!;
      sum.n++;
      sum.ms += ms;
    }
  }
  return sums;
}

/** The events of several logs in the order of their recorded times (ties: the order of the logs). */
export function mergeByTime(logs: ReadonlyArray<readonly RecordedEvent[]>): RecordedEvent[] {
  const times = logs.map((l) => l.map((e) => Date.parse(e.recordedAt)));
  const at = logs.map(() => 0);
  const out: RecordedEvent[] = [];
  for (;;) {
    let best = -1;
    for (let k = 0; k < logs.length; k++) if (at[k] < logs[k].length && (best < 0 || times[k][at[k]] < times[best][at[best]])) best = k;
    if (best < 0) return out;
    out.push(logs[best][at[best]++]);
  }
}

interface ReplicaFeed {
  name: string;
  /** The services whose topics feed it, in the order ties are broken. */
  topics: string[];
  /** A fresh replica and its consumers; what the delivery of an event runs (the consumer of its service's topic). */
  make: () => (event: RecordedEvent) => Promise<void>;
}

/** Builds a consumer class on a replica (no Nest app: the constructor takes the replica). */
function consumer<T>(type: Type<unknown>, replica: T): Consumer {
  return new (type as unknown as new (r: T) => Consumer)(replica);
}

/** Each replica a service keeps from other services' events, with the consumers that feed it in production. */
function replicas(sourceOf: Map<RecordedEvent, string>): ReplicaFeed[] {
  const by = (consumers: Record<string, Consumer>) => (event: RecordedEvent) => consumers[sourceOf.get(event)!].onEvent(event);
  return [
    {
      name: 'organisation/PeopleReplica',
      topics: ['personnel', 'evaluation'],
      make: () => {
        const r = new PeopleReplica();
        return by({ personnel: consumer(PeopleSyncConsumer, r), evaluation: consumer(RatingsSyncConsumer, r) });
      },
    },
    {
      // production: organisation's events go to OrganisationReactions.handle, which applies them to the replica, then reacts to closures
      name: 'personnel/BranchReplica',
      topics: ['organisation', 'evaluation'],
      make: () => {
        const r = new BranchReplica();
        return by({ organisation: consumer(eventsConsumer('organisation', BranchReplica, (b, e) => b.apply(e)), r), evaluation: consumer(BranchRatingsConsumer, r) });
      },
    },
    {
      name: 'evaluation/SubjectsReplica',
      topics: ['organisation', 'personnel'],
      make: () => {
        const r = new SubjectsReplica();
        return by({ organisation: consumer(OrganisationSubjectsConsumer, r), personnel: consumer(PersonnelSubjectsConsumer, r) });
      },
    },
    {
      name: 'evaluation/AwardsReplica',
      topics: ['training'],
      make: () => {
        const r = new AwardsReplica();
        return by({ training: consumer(TrainingAwardsConsumer, r) });
      },
    },
    {
      // production: TrainingReactions.handle applies each event to the facts, then reacts to closures
      name: 'training/TrainingFacts',
      topics: ['organisation', 'personnel'],
      make: () => {
        const r = new TrainingFacts();
        const c = eventsConsumer('organisation', TrainingFacts, (f, e) => f.apply(e));
        const p = eventsConsumer('personnel', TrainingFacts, (f, e) => f.apply(e));
        return by({ organisation: consumer(c, r), personnel: consumer(p, r) });
      },
    },
  ];
}

export async function mainGrowth(services: AsyncIterable<GrowthService>, load: () => string, dataDir: string, started: number): Promise<void> {
  console.log(`growth mode: windows of ${WINDOW_SHARE * 100}% of each feed (at least ${MIN_WINDOW} events) ending at ${STAGES.map((s) => `${s * 100}%`).join(' and ')}; passes run ${MIN_REPEATS} times, then again while under ${REPEAT_SECONDS} s, up to ${REPEATS}; memory store`);
  const logs = new Map<string, RecordedEvent[]>();
  const sourceOf = new Map<RecordedEvent, string>();
  const rows: GrowthRow[] = [];
  for await (const { service, log, projections } of services) {
    const t0 = performance.now();
    const events = await readEvents(log);
    logs.set(service, events);
    for (const e of events) sourceOf.set(e, service);
    console.log(`${service}: ${events.length} events, read in ${round((performance.now() - t0) / 1000, 2)} s (not measured); ${projections.length} projection(s)`);
    const windows = windowsOf(events.length);
    for (const projection of projections) {
      const { ms, repeats } = await repeated(() => projectionPass(projection, events, windows));
      rows.push(row('projection', `${service}/${projection.name}`, service, events, windows, ms, repeats, projection));
      console.log(`  ${projection.name}: ${JSON.stringify(rows[rows.length - 1])} (load ${load()})`);
    }
  }
  for (const feed of replicas(sourceOf)) {
    const missing = feed.topics.filter((t) => !logs.has(t));
    if (missing.length) {
      console.log(`${feed.name}: skipped, no log of ${missing.join(', ')}`);
      continue;
    }
    const events = mergeByTime(feed.topics.map((t) => logs.get(t)!));
    const windows = windowsOf(events.length);
    const { ms, repeats } = await repeated(() => replicaPass(feed.make, events, windows));
    rows.push({ ...row('replica', feed.name, feed.topics.join('+'), events, windows, ms, repeats), perType: await perType(feed.make, events, windows) });
    console.log(`${feed.name}: ${JSON.stringify(rows[rows.length - 1])} (load ${load()})`);
  }
  // what the ratios near or above the target are made of
  for (const r of rows.filter((x) => x.ratio > TARGET * 0.8)) {
    const top = (mix: Record<string, number>) => Object.entries(mix).slice(0, 6).map(([t, n]) => `${t} ${n}`).join(', ');
    console.log(`\n${r.name}, ratio ${r.ratio}: window at 10%: ${top(r.mix10)}; at 100%: ${top(r.mix100)}`);
    if (r.handled10 !== undefined) console.log(`  events with a handler: ${r.handled10} at 10% (${r.usHandled10} µs each), ${r.handled100} at 100% (${r.usHandled100} µs each)`);
    for (const [type, t] of Object.entries(r.perType ?? {})) console.log(`  ${type}: ${t.n10} events at 10%, ${t.us10} µs each; ${t.n100} at 100%, ${t.us100} µs; ratio ${t.ratio}`);
  }
  printTable(
    ['projection / replica', 'fed by', 'events', 'window at 10%', 'µs/event at 10%', 'window at 100%', 'µs/event at 100%', 'ratio', 'target', '', 'passes', 'handled at 10% / 100%', 'µs/handled event at 10% / 100%'],
    rows.map((r) => [r.name, r.feed, r.events, r.window10, r.us10, r.window100, r.us100, r.ratio, `≤ ${TARGET}`, r.ratio <= TARGET ? 'ok' : 'ABOVE', r.repeats, r.handled10 === undefined ? '—' : `${r.handled10} / ${r.handled100}`, r.handled10 === undefined ? '—' : `${r.usHandled10 ?? '—'} / ${r.usHandled100 ?? '—'}`]),
    'Per-event cost of a window of the feed (5%, at least 1,000 events) ending at 10% and at 100% of it, everything before applied; memory store; ratio = µs/event at 100% / at 10%',
  );
  const file = writeResults('growth', { environment: environment(), dataDir, windowShare: WINDOW_SHARE, minWindow: MIN_WINDOW, stages: STAGES, target: TARGET, loadAverageAtEnd: load(), rows });
  console.log(`\n${round((performance.now() - started) / 1000, 1)} s in all; load average ${load()}; figures in ${file}`);
}
