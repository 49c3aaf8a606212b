import { Doc } from '../document';
import { MemoryReadStore } from './memory-read-store';

/** A collection's map that counts its look-ups by key and the times it is walked whole. */
class CountingMap<K, V> extends Map<K, V> {
  gets = 0;
  walks = 0;
  override get(key: K): V | undefined {
    this.gets++;
    return super.get(key);
  }
  override values(): MapIterator<V> {
    this.walks++;
    return super.values();
  }
  override keys(): MapIterator<K> {
    this.walks++;
    return super.keys();
  }
  override entries(): MapIterator<[K, V]> {
    this.walks++;
    return super.entries();
  }
  override [Symbol.iterator](): MapIterator<[K, V]> {
    this.walks++;
    return super[Symbol.iterator]();
  }
  override forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    this.walks++;
    super.forEach(callback, thisArg);
  }
}

describe('MemoryReadStore.find by a list of ids', () => {
  const store = new MemoryReadStore();
  beforeAll(() => store.insert('c', [1, 2, 3, 4].map((n) => ({ _id: `d${n}`, _pos: n, even: n % 2 === 0 }))));

  it('answers each listed document once, missing ids left out, with the rest of the filter applied', async () => {
    expect((await store.find('c', { _id: { $in: ['d1', 'd2', 'd2', 'd9'] } })).map((d) => d._id)).toEqual(['d1', 'd2']);
    expect((await store.find('c', { _id: { $in: ['d1', 'd2', 'd4'] }, even: true })).map((d) => d._id)).toEqual(['d2', 'd4']);
    expect(await store.find('c', { _id: { $in: [] } })).toEqual([]);
  });

  it('answers copies, as every read does', async () => {
    const [doc] = await store.find('c', { _id: { $in: ['d3'] } });
    doc.even = 'changed';
    expect((await store.findOne('c', { _id: 'd3' }))?.even).toBe(false);
  });

  it('looks 3,000 ids up by key rather than testing the list against every document', async () => {
    // Counted, not timed (speed is measured by benchmarks): each listed id is one look-up by key and
    // the collection is never walked. Testing $in on every document walked all 3,000 and compared
    // each with the 3,000 ids.
    const big = new MemoryReadStore();
    const docs = new CountingMap<string, Doc>();
    (big as unknown as { collections: Map<string, Map<string, Doc>> }).collections.set('c', docs);
    const ids = Array.from({ length: 3000 }, (_, n) => `b${n}`);
    await big.insert('c', ids.map((id) => ({ _id: id, _pos: 1 })));
    docs.gets = docs.walks = 0;
    expect(await big.find('c', { _id: { $in: ids } })).toHaveLength(3000);
    expect(await big.find('c', { _id: { $in: ['b7', 'b9', 'b7'] }, _pos: 1 })).toHaveLength(2);
    expect({ gets: docs.gets, walks: docs.walks }).toEqual({ gets: 3000 + 2, walks: 0 });
  });
});
