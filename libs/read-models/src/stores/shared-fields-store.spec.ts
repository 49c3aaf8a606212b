import { RecordedEvent } from '@register/event-sourcing';
import { arrayLog, recordedAt } from '../spec-log';
import { defineProjection, op } from '../projection';
import { rebuildLive, rebuildShadowDiff } from '../rebuild';
import { ProjectionRunner } from '../runner';
import { MemoryReadStore } from './memory-read-store';
import { SharedFieldsStore } from './shared-fields-store';

const event = (position: number, type: string, data: unknown): RecordedEvent => recordedAt(position, type, data);
const source = arrayLog;

type Data = { id: string; n?: number };
/** Two projections of two logs, each writing its own field of the same branch documents. */
const counts = defineProjection({
  name: 'counts',
  version: 1,
  collections: { branches: { indexes: [{ key: { unit: 1 } }] } },
  handlers: {
    Opened: ({ data }: RecordedEvent) => op.upsert('branches', (data as Data).id, { $set: { unit: 'u1' }, $setOnInsert: { n: 0 } }),
    Counted: ({ data }: RecordedEvent) => op.update('branches', (data as Data).id, { $inc: { n: (data as Data).n! } }),
    Closed: ({ data }: RecordedEvent) => op.delete('branches', (data as Data).id),
  },
});
const grades = defineProjection({
  name: 'grades',
  version: 1,
  collections: { branches: {} },
  handlers: { Graded: ({ data }: RecordedEvent) => op.replace('branches', (data as Data).id, { grade: (data as Data).n }) },
});

const countLog = [event(1, 'Opened', { id: 'b1' }), event(2, 'Opened', { id: 'b2' }), event(3, 'Counted', { id: 'b1', n: 3 }), event(4, 'Counted', { id: 'b9', n: 1 }), event(5, 'Counted', { id: 'b1', n: 2 })];
const gradeLog = [event(1, 'Graded', { id: 'b1', n: 7 }), event(2, 'Graded', { id: 'b3', n: 5 })];

function shared() {
  const inner = new MemoryReadStore();
  const store = new SharedFieldsStore(inner, { 'counts.branches': { collection: 'all.branches', field: 'counts' }, 'grades.branches': { collection: 'all.branches', field: 'grades' } });
  return { inner, store };
}

async function runBoth(store: SharedFieldsStore, options = {}) {
  await new ProjectionRunner(source(countLog), store, counts, { owner: 't', ...options }).runOnce();
  await new ProjectionRunner(source(gradeLog), store, grades, { owner: 't', ...options }).runOnce();
}

describe('projections writing their own fields of a shared collection', () => {
  it('leaves one document per branch, each field written by its projection with its own guard position', async () => {
    for (const options of [{}, { initialLoad: false as const, maxBatchEvents: 2 }]) {
      const { inner, store } = shared();
      await runBoth(store, options);
      expect(await inner.find('all.branches', { 'counts.unit': 'u1' })).toEqual([
        { _id: 'b1', counts: { unit: 'u1', n: 5, _pos: 5 }, grades: { grade: 7, _pos: 1 } },
        { _id: 'b2', counts: { unit: 'u1', n: 0, _pos: 2 } },
      ]);
      expect(await store.findOne('grades.branches', { _id: 'b2' })).toBeUndefined();
      expect(await store.find('grades.branches')).toEqual([{ _id: 'b1', grade: 7, _pos: 1 }, { _id: 'b3', grade: 5, _pos: 2 }]);
    }
  });

  it('skips a write its field has already seen, and an update without upsert of a field absent', async () => {
    const { inner, store } = shared();
    await runBoth(store);
    const again = await store.write('counts.branches', [{ _id: 'b1', pos: 3, update: { $inc: { n: 100 } }, upsert: false }, { _id: 'b3', pos: 9, update: { $inc: { n: 1 } }, upsert: false }], true);
    expect(again.applied).toBe(0);
    expect(await inner.findOne('all.branches', { _id: 'b3' })).toEqual({ _id: 'b3', grades: { grade: 5, _pos: 2 } });
  });

  it('a delete takes out its field only', async () => {
    const { inner, store } = shared();
    await new ProjectionRunner(source(gradeLog), store, grades, { owner: 't' }).runOnce();
    await new ProjectionRunner(source([...countLog, event(6, 'Closed', { id: 'b1' })]), store, counts, { owner: 't' }).runOnce();
    expect(await inner.findOne('all.branches', { _id: 'b1' })).toEqual({ _id: 'b1', grades: { grade: 7, _pos: 1 } });
  });

  it('rebuilds one projection in its shadow copy with 0 differences, and switches it in without touching the other fields', async () => {
    const { inner, store } = shared();
    await runBoth(store);
    const diff = await rebuildShadowDiff(source(countLog), store, counts, { owner: 'r' });
    expect(diff.diff?.differences).toBe(0);
    expect(diff.documents).toEqual({ branches: 2 });
    await store.write('counts.branches', [{ _id: 'b2', pos: 99, update: { $set: { stray: true } }, upsert: false }], false);
    expect((await rebuildShadowDiff(source(countLog), store, counts, { owner: 'r' })).diff?.differences).toBe(1);
    await rebuildLive(source(countLog), store, counts, { owner: 'r', takeOverMs: 100 });
    expect(await inner.find('all.branches')).toEqual([
      { _id: 'b1', counts: { unit: 'u1', n: 5, _pos: 5 }, grades: { grade: 7, _pos: 1 } },
      { _id: 'b2', counts: { unit: 'u1', n: 0, _pos: 2 } },
      { _id: 'b3', grades: { grade: 5, _pos: 2 } },
    ]);
    expect(await inner.listCollections()).not.toContain('counts~shadow.branches');
  });

  it('indexes and filters a field under its name in the shared collection', async () => {
    const { store } = shared();
    await runBoth(store);
    expect(await store.count('counts.branches', { unit: 'u1' })).toBe(2);
    expect((await store.find('counts.branches', { unit: 'u1' }, { sort: { n: -1 }, fields: { n: 1 } })).map((d) => d._id)).toEqual(['b1', 'b2']);
    await expect(store.ensureCollection('counts.branches', { indexes: [{ key: { unit: 1 }, unique: true }] })).rejects.toThrow(/unique/);
  });
});
