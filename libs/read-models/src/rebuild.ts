import { hostname } from 'node:os';
import { CollectionDiff, diffCollection, DiffOptions } from './diff';
import { liveTarget, shadowTarget } from './naming';
import { AnyProjection } from './projection';
import { ReadStore } from './read-store';
import { EventSource, ProjectionRunner, RunnerOptions } from './runner';
import { LeaseLost } from './state';
import { CopyWriter } from './writer';

export interface RebuildProgress {
  projection: string;
  /** shadow: building from the log; final: the live copy is held, catching up its last events; diff. */
  phase: 'shadow' | 'final' | 'diff';
  position: number;
  events: number;
}

export interface RebuildOptions {
  /** Who rebuilds (the lease owner); default `rebuild@<host>#<pid>`. */
  owner?: string;
  leaseMs?: number;
  /** How long to wait for the live copy's writer (a running service) to step aside. */
  takeOverMs?: number;
  runner?: Pick<RunnerOptions, 'pageSize' | 'maxBatchEvents' | 'maxBatchDocuments'>;
  diff?: DiffOptions;
  /** Keep the shadow copy after a diff (to inspect it). */
  keepShadow?: boolean;
  onProgress?: (progress: RebuildProgress) => void;
  logger?: Pick<Console, 'warn'>;
}

export interface RebuildReport {
  projection: string;
  mode: 'live' | 'shadow-diff';
  /** Events read to build the copy: the shadow phase and the final catch-up together. */
  events: number;
  /** The position the rebuilt copy reached. */
  position: number;
  seconds: number;
  /** Documents per collection in the rebuilt copy. */
  documents: Record<string, number>;
  diff?: { differences: number; collections: CollectionDiff[] };
}

/**
 * Rebuilds into the shadow copy, then switches it in: the live copy serves reads (and its writer
 * follows the log) until the shadow has caught up; then the live writer is asked to step aside,
 * the shadow catches up the last events, and its collections replace the live ones.
 */
export async function rebuildLive(source: EventSource, store: ReadStore, projection: AnyProjection, options: RebuildOptions = {}): Promise<RebuildReport> {
  const started = Date.now();
  const shadow = await startShadow(store, projection, options);
  try {
    const built = await shadowRunner(source, store, projection, options, 'shadow').runOnce(undefined, true);
    const live = writerOf(store, projection, 'live', options);
    await live.takeOver(options.takeOverMs ?? 3 * leaseMs(options));
    try {
      const final = await shadowRunner(source, store, projection, options, 'final').runOnce(undefined, true);
      const documents = await countDocuments(store, projection, shadowTarget(projection).collection);
      await live.switchIn(final.position);
      return { projection: projection.name, mode: 'live', events: built.events + final.events, position: final.position, seconds: (Date.now() - started) / 1000, documents };
    } finally {
      await live.release();
    }
  } finally {
    await shadow.release();
  }
}

/**
 * Rebuilds into the shadow copy up to the live copy's position and compares them document by
 * document. The live writer is asked to step aside for the last events and the comparison, so
 * that both copies stand at the same position; it resumes afterwards. 0 differences proves the
 * projection deterministic and the live copy intact.
 */
export async function rebuildShadowDiff(source: EventSource, store: ReadStore, projection: AnyProjection, options: RebuildOptions = {}): Promise<RebuildReport> {
  const started = Date.now();
  const shadow = await startShadow(store, projection, options);
  try {
    const livePosition = (await shadow.states.load(projection.name))?.position ?? 0;
    const built = await shadowRunner(source, store, projection, options, 'shadow').runOnce(livePosition, true);
    const live = writerOf(store, projection, 'live', options);
    await live.takeOver(options.takeOverMs ?? 3 * leaseMs(options));
    try {
      const state = await live.prepare(true);
      if (state.version !== projection.version) options.logger?.warn(`${projection.name}: the live copy was written by version ${state.version}, this is ${projection.version}`);
      const final = await shadowRunner(source, store, projection, options, 'final').runOnce(state.position, true);
      options.onProgress?.({ projection: projection.name, phase: 'diff', position: final.position, events: final.events });
      const collections: CollectionDiff[] = [];
      for (const name of Object.keys(projection.collections)) {
        collections.push(await diffCollection(store, liveTarget(projection).collection(name), shadowTarget(projection).collection(name), options.diff));
      }
      const documents = Object.fromEntries(collections.map((c, i) => [Object.keys(projection.collections)[i], c.rebuilt]));
      const differences = collections.reduce((n, c) => n + c.missing + c.extra + c.different, 0);
      return { projection: projection.name, mode: 'shadow-diff', events: built.events + final.events, position: final.position, seconds: (Date.now() - started) / 1000, documents, diff: { differences, collections } };
    } finally {
      await live.release();
    }
  } finally {
    if (!options.keepShadow) await shadow.reset();
    await shadow.release();
    if (!options.keepShadow) await shadow.states.remove(shadowTarget(projection).state);
  }
}

/**
 * For a running service whose projection's version changed: builds the new version in the
 * shadow copy while the old one keeps serving (without new events), then switches it in.
 * Use as `RunnerOptions.onVersionChange`; the runner holds the live copy meanwhile.
 */
export function rebuildOnVersionChange(options: RebuildOptions = {}): NonNullable<RunnerOptions['onVersionChange']> {
  return async (runner, stored) => {
    options.logger?.warn(`${runner.projection.name}: stored by version ${stored.version}, rebuilding version ${runner.projection.version}`);
    const owner = `${runner.writer.owner}/rebuild`;
    const shadow = await startShadow(runner.store, runner.projection, { ...options, owner });
    try {
      const built = await shadowRunner(runner.source, runner.store, runner.projection, { ...options, owner }, 'shadow').runOnce(undefined, true);
      await runner.writer.switchIn(built.position);
    } finally {
      await shadow.release();
    }
  };
}

/** Takes the shadow copy (one rebuild of a projection at a time) and empties it. */
async function startShadow(store: ReadStore, projection: AnyProjection, options: RebuildOptions): Promise<CopyWriter> {
  const shadow = writerOf(store, projection, 'shadow', options);
  if (!(await shadow.acquire())) throw new LeaseLost(shadowTarget(projection).state, shadow.owner);
  await shadow.reset();
  return shadow;
}

function shadowRunner(source: EventSource, store: ReadStore, projection: AnyProjection, options: RebuildOptions, phase: RebuildProgress['phase']): ProjectionRunner {
  return new ProjectionRunner(source, store, projection, {
    ...options.runner,
    target: shadowTarget(projection),
    owner: ownerOf(options),
    leaseMs: leaseMs(options),
    onProgress: (p) => options.onProgress?.({ projection: projection.name, phase, ...p }),
  });
}

function writerOf(store: ReadStore, projection: AnyProjection, copy: 'live' | 'shadow', options: RebuildOptions): CopyWriter {
  const target = copy === 'live' ? liveTarget(projection) : shadowTarget(projection);
  return new CopyWriter(store, projection, target, { owner: ownerOf(options), leaseMs: leaseMs(options), logger: options.logger });
}

async function countDocuments(store: ReadStore, projection: AnyProjection, physical: (c: string) => string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(projection.collections)) out[name] = await store.count(physical(name));
  return out;
}

const ownerOf = (options: RebuildOptions) => options.owner ?? `rebuild@${hostname()}#${process.pid}`;
const leaseMs = (options: RebuildOptions) => options.leaseMs ?? 30_000;
