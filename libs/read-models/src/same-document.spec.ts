import { RecordedEvent } from '@register/event-sourcing';
import { arrayLog, recordedAt } from './spec-log';
import { op, defineProjection } from './projection';
import { ProjectionRunner } from './runner';
import { MemoryReadStore } from './stores/memory-read-store';

const event = (position: number, type: string, data: unknown): RecordedEvent => recordedAt(position, type, data, '2026-11-25');
const source = arrayLog;

// A merger of two branches of the same unit writes the unit twice in one event; two $pull of one
// field cannot be one MongoDB update, and both writes carry the event's position.
const units = defineProjection({
  name: 'units',
  version: 1,
  collections: { units: {} },
  handlers: {
    Added: ({ data }: RecordedEvent) => op.upsert('units', 'u', { $inc: { n: 1 }, $push: { ids: (data as { id: string }).id } }),
    Merged: ({ data }: RecordedEvent) =>
      (data as { ids: string[] }).ids.map((id) => op.update('units', 'u', { $inc: { n: -1 }, $pull: { ids: id } })),
    Gone: () => [op.update('units', 'u', { $inc: { n: 1 } }), op.delete('units', 'u')],
  },
});

describe('an event writing one document twice', () => {
  const log = [event(1, 'Added', { id: 'a' }), event(2, 'Added', { id: 'b' }), event(3, 'Added', { id: 'c' }), event(4, 'Merged', { ids: ['a', 'b'] })];

  it('applies both writes (folded into one), whatever the batch boundaries, and in an initial load', async () => {
    for (const options of [{ maxBatchEvents: 1, initialLoad: false as const }, { maxBatchEvents: 2, initialLoad: false as const }, { maxBatchEvents: 100, initialLoad: false as const }, {}]) {
      const store = new MemoryReadStore();
      await new ProjectionRunner(source(log), store, units, { owner: 't', pageSize: 2, ...options }).runOnce();
      expect(await store.findOne('units.units', { _id: 'u' })).toEqual({ _id: 'u', n: 1, ids: ['c'], _pos: 4 });
    }
  });

  it('ends deleted when the last of its operations deletes it', async () => {
    const store = new MemoryReadStore();
    await new ProjectionRunner(source([...log, event(5, 'Gone', {})]), store, units, { owner: 't' }).runOnce();
    expect(await store.findOne('units.units', { _id: 'u' })).toBeUndefined();
  });
});
