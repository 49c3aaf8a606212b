/** For the projections' specifications: runs a projection over given personnel facts into an embedded read store. */
import { branchOfficersStream, memberStream, PersonnelEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { AnyProjection, CollectionQueries, liveTarget, MemoryReadStore, ProjectionRunner } from '@register/read-models';

/** A fact with the day it took effect. */
export type Dated = PersonnelEvent & { on?: string };

const streamOf = (e: PersonnelEvent) => (e.type === 'OfficerAppointed' || e.type === 'OfficerDeparted' ? branchOfficersStream(e.data.branchId) : memberStream(e.data.memberId));

/** The facts as the log would record them: positions 1, 2, …, revisions per stream; effective dates default to 2025-01-01. */
export function recorded(events: Dated[]): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return events.map(({ on, ...e }, i) => {
    const streamId = streamOf(e as PersonnelEvent);
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

/** Runs `projection` over the facts into a fresh MemoryReadStore; `maxBatchEvents: 1` writes each event alone, in batches. */
export async function project(projection: AnyProjection, events: Dated[], options: { maxBatchEvents?: number } = {}) {
  const log = recorded(events);
  const source = {
    readAll: async (after: number, limit: number) => log.filter((e) => e.position > after).slice(0, limit),
    headPosition: async () => log.length,
    subscribe: () => {
      throw new Error('runOnce only');
    },
  };
  const store = new MemoryReadStore();
  // a batch size asks for the batched path: without it the run is an initial load (initial-load.ts)
  const runner = new ProjectionRunner(source, store, projection, { owner: 'spec', initialLoad: options.maxBatchEvents ? false : undefined, ...options });
  await runner.runOnce();
  const collection = (name: string) => new CollectionQueries(store, liveTarget(projection).collection(name));
  return {
    store,
    collection,
    docs: async (name: string) => collection(name).find({}, { sort: { _id: 1 } }),
    /** The documents as stored, with the runner's `_pos`. */
    stored: async (name: string) => store.find(liveTarget(projection).collection(name), {}, { sort: { _id: 1 } }),
  };
}
