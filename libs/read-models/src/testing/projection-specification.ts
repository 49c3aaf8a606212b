import { DomainEvent, RecordedEvent } from '@register/event-sourcing';
import { AnyProjection } from '../projection';
import { CollectionQueries } from '../queries';
import { ReadStore } from '../read-store';
import { ProjectionRunner } from '../runner';
import { liveTarget } from '../naming';
import { MemoryReadStore } from '../stores/memory-read-store';

/** A fact as a projection's specification gives it: the event, and the day it took effect. */
export type Dated<E extends DomainEvent> = E & { on?: string };

/**
 * The facts as a log would record them: positions 1, 2, …, revisions counted per stream (as
 * `streamOf` names it), effective dates defaulting to 2025-01-01.
 */
export function recordedFacts<E extends DomainEvent>(events: Dated<E>[], streamOf: (event: E) => string): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return events.map(({ on, ...fact }, i) => {
    const e = fact as unknown as E;
    const streamId = streamOf(e);
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    return {
      eventId: `e${i + 1}`,
      type: e.type,
      schemaVersion: 1,
      data: e.data,
      metadata: { actor: 'spec', reason: 'spec', effectiveDate: on ?? '2025-01-01', correlationId: `c${i + 1}` },
      streamId,
      revision,
      position: i + 1,
      recordedAt: '2025-01-01T00:00:00.000Z',
    };
  });
}

export interface ProjectOptions {
  /** Asks for the batched path (1: each event alone); without it the run is an initial load. */
  maxBatchEvents?: number;
  pageSize?: number;
  /** Default: a fresh MemoryReadStore. */
  store?: ReadStore;
}

/** Runs a projection once over a recorded log into a store, and reads back what it wrote. */
export async function projectLog(projection: AnyProjection, log: RecordedEvent[], options: ProjectOptions = {}) {
  const source = {
    readAll: async (after: number, limit: number) => log.filter((e) => e.position > after).slice(0, limit),
    headPosition: async () => log.length,
    subscribe: () => {
      throw new Error('runOnce only');
    },
  };
  const { store = new MemoryReadStore(), ...runnerOptions } = options;
  const runner = new ProjectionRunner(source, store, projection, { owner: 'spec', initialLoad: runnerOptions.maxBatchEvents ? false : undefined, ...runnerOptions });
  await runner.runOnce();
  const collection = (name: string) => new CollectionQueries(store, liveTarget(projection).collection(name));
  return {
    store,
    runner,
    collection,
    docs: async (name: string) => collection(name).find({}, { sort: { _id: 1 } }),
    /** The documents as stored, with the runner's `_pos`. */
    stored: async (name: string) => store.find(liveTarget(projection).collection(name), {}, { sort: { _id: 1 } }),
  };
}
