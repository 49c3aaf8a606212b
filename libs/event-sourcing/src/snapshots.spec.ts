import { Snapshot, SnapshotStore, Snapshots } from './snapshots';

class MemoryStore implements SnapshotStore {
  readonly saved: Array<[string, Snapshot]> = [];
  async load(name: string) {
    return [...this.saved].reverse().find(([n]) => n === name)?.[1];
  }
  async save(name: string, snapshot: Snapshot) {
    this.saved.push([name, snapshot]);
  }
}
const codec = { encode: (s: Set<number>) => [...s], decode: (j: unknown) => new Set(j as number[]) };

describe('a view\'s snapshots', () => {
  it('are taken once enough events and time have passed, as the state stood then, and restored with their position', async () => {
    const store = new MemoryStore();
    const snapshots = new Snapshots(store, 'v@1', codec, { everyEvents: 3, everyMs: 0 });
    const state = new Set<number>();
    for (let p = 1; p <= 7; p++) {
      state.add(p);
      snapshots.applied(p, state);
    }
    await snapshots.flush(7, state);
    expect(store.saved.map(([, s]) => s)).toEqual([{ position: 3, state: [1, 2, 3] }, { position: 6, state: [1, 2, 3, 4, 5, 6] }, { position: 7, state: [1, 2, 3, 4, 5, 6, 7] }]);
    const restored = await new Snapshots(store, 'v@1', codec).restore();
    expect(restored).toEqual({ position: 7, state: new Set([1, 2, 3, 4, 5, 6, 7]) });
    expect(await new Snapshots(store, 'v@2', codec).restore()).toBeUndefined();
  });

  it('wait for time as well as events, flush nothing already saved, and do nothing without a store', async () => {
    const store = new MemoryStore();
    const slow = new Snapshots(store, 'v@1', codec, { everyEvents: 1, everyMs: 60_000 });
    for (let p = 1; p <= 5; p++) slow.applied(p, new Set([p]));
    await slow.flush(5, new Set([5]));
    await slow.flush(5, new Set([5]));
    expect(store.saved.map(([, s]) => s.position)).toEqual([5]);
    const none = new Snapshots<Set<number>>(undefined, 'v@1', codec, { everyEvents: 1, everyMs: 0 });
    none.applied(1, new Set());
    await none.flush(1, new Set());
    expect(await none.restore()).toBeUndefined();
  });

  it('pause after a snapshot at least costTimes as long as it took: a larger view is snapshotted less often', async () => {
    const slowStore = new MemoryStore();
    const save = slowStore.save.bind(slowStore);
    slowStore.save = async (name, snapshot) => (await new Promise((resolve) => setTimeout(resolve, 40)), save(name, snapshot));
    const snapshots = new Snapshots(slowStore, 'v@1', codec, { everyEvents: 1, everyMs: 0, costTimes: 100 });
    snapshots.applied(1, new Set([1]));
    await snapshots.flush(1, new Set([1])); // the first took ≥ 40 ms: the next is due ≥ 4 s after it began
    const started = Date.now();
    for (let p = 2; Date.now() - started < 250; p++) {
      snapshots.applied(p, new Set([p]));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(slowStore.saved.map(([, s]) => s.position)).toEqual([1]);
    const fast = new MemoryStore();
    const cheap = new Snapshots(fast, 'v@1', codec, { everyEvents: 1, everyMs: 0, costTimes: 10 });
    for (let p = 1; p <= 5; p++) {
      cheap.applied(p, new Set([p]));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(fast.saved.length).toBeGreaterThanOrEqual(4);
  });

  it('report a failed save and go on', async () => {
    const errors: string[] = [];
    const failing: SnapshotStore = { load: async () => undefined, save: async () => Promise.reject(new Error('database away')) };
    const snapshots = new Snapshots(failing, 'v@1', codec, { everyEvents: 1, everyMs: 0 }, (e) => errors.push(e.message));
    snapshots.applied(1, new Set([1]));
    await snapshots.flush(2, new Set([1, 2]));
    expect(errors).toEqual(['database away', 'database away']);
  });
});
