import { RecordedEvent } from '@register/event-sourcing';
import { EventSource } from './runner';

/** A recorded event at a position of one stream, for the specs of this lib. */
export const recordedAt = (position: number, type: string, data: unknown, day = '2026-12-02'): RecordedEvent => ({
  eventId: `e${position}`,
  streamId: 's',
  revision: position - 1,
  position,
  type,
  schemaVersion: 1,
  data,
  metadata: { actor: 'test', reason: 'spec', effectiveDate: day, correlationId: 'c' },
  recordedAt: `${day}T00:00:00.000Z`,
});

/** A log held in an array, read page by page as a runner reads one (no subscription). */
export const arrayLog = (events: RecordedEvent[]): EventSource => ({
  readAll: async (after, limit) => events.filter((e) => e.position > after).slice(0, limit),
  headPosition: async () => events[events.length - 1]?.position ?? 0,
  subscribe: () => {
    throw new Error('not used');
  },
});
