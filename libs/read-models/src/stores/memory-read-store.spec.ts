import { Doc } from '../document';
import { CollectionSpec } from '../projection';
import { FindOptions } from '../read-store';
import { MemoryReadStore, MemoryReadStoreState } from './memory-read-store';

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

/** A seeded generator: the same sequence of writes on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Values of every kind an equality meets: strings and numbers alike in print, arrays (multikey),
// null and missing, objects and nested arrays (never keyed), a date.
const VALUES: unknown[] = ['a', 'b', 'c', 'b2', '', 1, '1', 2, true, false, null, undefined, ['a', 'b'], [1, 'c'], ['c', 'a'], [], { x: 1 }, [['a']], [null, 'b'], new Date(0)];
const LOOKUPS: unknown[] = ['a', 'b', 'c', 1, '1', 2, true, null, { $in: ['a', 1] }, { $in: ['c', true, 'z'] }, { $in: [] }, { $in: ['a', null] }, { $ne: 'a' }, ['a', 'b'], { x: 1 }];
// Ranges with a string bound (looked up in order), one with others beside it, and bounds that are not strings (never looked up).
const RANGES: unknown[] = [{ $gt: 'a' }, { $gte: 'b' }, { $lt: 'b' }, { $lte: '1' }, { $gt: '', $lt: 'c' }, { $gte: 'a', $lte: 'b' }, { $gt: 'a', $ne: 'b2' }, { $in: ['a', 'c'], $gt: 'a' }, { $gt: 1 }, { $lt: null }, { $lte: new Date(1) }];
// A nested field's path meets objects, arrays on the way (never keyed), scalars, nothing.
const NESTED: unknown[] = [undefined, 'a', null, {}, { u: 'a' }, { u: 1 }, { u: ['a', 'b'] }, { u: null }, [{ u: 'a' }], { u: { x: 1 } }, { u: [['a']] }];
const INDEXES: CollectionSpec = { indexes: [{ key: { f: 1, g: 1 } }, { key: { g: 1 } }, { key: { h: -1 as const } }, { key: { 's.u': 1 } }] };

describe('MemoryReadStore equality indexes', () => {
  const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const randomDoc = (random: () => number, id: string): Doc => {
    const doc: Doc = { _id: id, n: Math.floor(random() * 5) };
    for (const field of ['f', 'g', 'h']) {
      const v = pick(random, VALUES);
      if (v !== undefined) doc[field] = v;
    }
    const nested = pick(random, NESTED);
    if (nested !== undefined) doc.s = nested;
    return doc;
  };

  /** Conditions on fields, joined by `$or` and `$and` (a branch on an unindexed field included), as the directory's reads join them. */
  const randomFilter = (random: () => number, depth = 0): Record<string, unknown> => {
    const joined = depth < 2 ? random() : 1;
    const parts = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomFilter(random, depth + 1));
    if (joined < 0.2) return { $or: parts() };
    if (joined < 0.3) return { $and: parts() };
    const filter: Record<string, unknown> = { [pick(random, ['f', 'g', 'h', 's.u'])]: pick(random, [...LOOKUPS, ...RANGES]) };
    if (random() < 0.4) filter[pick(random, ['f', 'g', 'h', 'n', 's.u'])] = pick(random, [...LOOKUPS, ...RANGES, 0, 3]);
    if (depth < 2 && random() < 0.15) filter.$or = parts();
    return filter;
  };

  /** Every read the two stores are compared by: equalities, $in, ranges, conjunctions, $or and $and, sorted pages, projections, counts. */
  async function sameAnswers(indexed: MemoryReadStore, plain: MemoryReadStore, collection: string, random: () => number): Promise<void> {
    for (let i = 0; i < 8; i++) {
      const filter = randomFilter(random);
      const options = pick<FindOptions>(random, [{}, { sort: { n: 1 } }, { sort: { n: -1, _id: 1 }, skip: 1, limit: 3 }, { limit: 2 }, { fields: { f: 1 } }, { readOnly: true }, { readOnly: true, fields: { s: 1 } }]);
      expect(await indexed.find(collection, filter, options)).toEqual(await plain.find(collection, filter, options));
      expect(await indexed.count(collection, filter)).toBe(await plain.count(collection, filter));
      expect(await indexed.findOne(collection, filter)).toEqual(await plain.findOne(collection, filter));
    }
  }

  it('given random writes on every path, when both stores are read, then the indexed one answers what the unindexed one does', async () => {
    for (const seed of [1, 2, 3]) {
      const random = seeded(seed);
      const indexed = new MemoryReadStore();
      const plain = new MemoryReadStore();
      await indexed.ensureCollection('c', INDEXES);
      await indexed.ensureCollection('shadow', INDEXES);
      await plain.ensureCollection('c', {});
      let pos = 1;
      const saved = new Map<MemoryReadStore, MemoryReadStoreState>();
      for (let step = 0; step < 100; step++) {
        // every draw made here, once: each write is then done alike to both stores
        const id = `d${Math.floor(random() * 25)}`;
        const kind = Math.floor(random() * 10);
        const doc = randomDoc(random, id);
        const value = pick(random, VALUES);
        const upsert = random() < 0.5;
        const pushed = pick(random, ['a', 1, { x: 1 }]);
        const writes: Array<(s: MemoryReadStore) => Promise<unknown> | void> = [
          (s) => s.write('c', [{ _id: id, pos, replace: doc, upsert: true }]),
          (s) => s.write('c', [{ _id: id, pos, update: value === undefined ? { $unset: { f: '' } } : { $set: { f: value } }, upsert }]),
          (s) => s.write('c', [{ _id: id, pos, delete: true }]),
          (s) => s.insert('c', [doc]),
          (s) => s.updateOne('c', { _id: id }, value === undefined ? { $unset: { g: '' } } : { $set: { g: value } }, upsert),
          (s) => s.deleteOne('c', id),
          async (s) => {
            // a rebuilt copy switched in, written, and back
            await s.renameCollection('c', 'shadow');
            await s.write('shadow', [{ _id: id, pos, replace: doc, upsert: true }]);
            await s.renameCollection('shadow', 'c');
          },
          () => undefined, // an initial load in place: below, in step on both stores
          (s) => {
            // a snapshot taken, or an earlier one restored
            const taken = saved.get(s);
            if (taken && upsert) return s.restoreState(taken);
            const { collections, journals } = s.snapshotState();
            saved.set(s, structuredClone({ collections, journals }));
          },
          (s) => s.write('c', [{ _id: id, pos, update: { $set: { h: [pushed, 'a'] } }, upsert: true }]),
        ];
        for (const s of [indexed, plain]) await writes[kind](s);
        if (kind === 7) {
          // the map changed behind the store while the load holds it, read meanwhile, then done
          const maps = [indexed, plain].map((s) => s.documentsOf('c'));
          for (const map of maps) {
            map.delete(id);
            map.set(id, structuredClone(doc));
          }
          await sameAnswers(indexed, plain, 'c', seeded(pos));
          for (const map of maps) {
            const first = map.values().next().value;
            if (first) first.h = structuredClone(value);
          }
          await sameAnswers(indexed, plain, 'c', seeded(pos));
          for (const s of [indexed, plain]) s.loaded('c');
        }
        pos++;
        await sameAnswers(indexed, plain, 'c', random);
      }
    }
  });
});

describe('MemoryReadStore read-only finds', () => {
  it('given readOnly, when a find answers, then it hands the stored documents, not copies; without it, copies', async () => {
    const store = new MemoryReadStore();
    await store.ensureCollection('b', { indexes: [{ key: { 'structure.unitIds': 1 } }] });
    await store.insert('b', [{ _id: 'b1', structure: { unitIds: ['u1', 'u2'] } }, { _id: 'b2', structure: { unitIds: ['u3'] } }]);
    const filter = { 'structure.unitIds': { $in: ['u2', 'u3'] } };
    const [shared, again] = [await store.find('b', filter, { readOnly: true }), await store.find('b', filter, { readOnly: true })];
    expect(shared.map((d) => d._id)).toEqual(['b1', 'b2']);
    expect(shared[0]).toBe(again[0]);
    const copies = await store.find('b', filter);
    expect(copies).toEqual(shared);
    expect(copies[0]).not.toBe(shared[0]);
  });
});

describe('MemoryReadStore indexed reads', () => {
  async function counted(): Promise<{ store: MemoryReadStore; docs: CountingMap<string, Doc> }> {
    const store = new MemoryReadStore();
    const docs = new CountingMap<string, Doc>();
    (store as unknown as { collections: Map<string, Map<string, Doc>> }).collections.set('members', docs);
    await store.ensureCollection('members', { indexes: [{ key: { branchId: 1, sortName: 1 } }] });
    await store.insert('members', Array.from({ length: 3000 }, (_, n) => ({ _id: `m${n}`, branchId: `b${n % 100}`, sortName: `n${n % 7}` })));
    return { store, docs };
  }

  it('given a member list by branch, when it is read, then only its branches\' members are visited, not the whole collection', async () => {
    const { store, docs } = await counted();
    await store.count('members', { branchId: 'b0' }); // the index is built on first use: one walk
    docs.gets = docs.walks = 0;
    const page = await store.find('members', { branchId: { $in: ['b1', 'b2'] }, sortName: { $gte: 'n3' } }, { sort: { sortName: 1, _id: 1 }, limit: 5 });
    expect(page.map((d) => d._id)).toEqual(['m101', 'm1102', 'm1501', 'm1802', 'm2201']);
    expect(await store.count('members', { branchId: 'b3' })).toBe(30);
    expect({ gets: docs.gets, walks: docs.walks }).toEqual({ gets: 60 + 30, walks: 0 });
  });

  it('given a collection shared by projections that each ensure their own index, when either field is read, then both are looked up, nested paths too', async () => {
    const { store, docs } = await counted();
    // as SharedFieldsStore ensures the shared collection for each projection: the second adds to the first
    await store.ensureCollection('members', { indexes: [{ key: { 'structure.unitIds': 1 } }] });
    await store.ensureCollection('members', {});
    await store.insert('members', [{ _id: 'x1', structure: { unitIds: ['u1', 'u2'] } }, { _id: 'x2', structure: [{ unitIds: ['u1'] }] }]);
    await store.count('members', { branchId: 'b0' }); // the index is built on first use: one walk
    docs.gets = docs.walks = 0;
    expect(await store.count('members', { branchId: 'b3' })).toBe(30);
    // x2 reaches the field through an array: a candidate of every look-up, tested, and matched as MongoDB matches it
    expect((await store.find('members', { 'structure.unitIds': { $in: ['u1', 'u9'] } })).map((d) => d._id)).toEqual(['x1', 'x2']);
    expect(await store.count('members', { 'structure.unitIds': 'u2' })).toBe(1);
    expect({ gets: docs.gets, walks: docs.walks }).toEqual({ gets: 30 + 2 + 2, walks: 0 });
  });

  it('given a filter no index answers (null, an operator, an unindexed field, an $or with such a branch), when it is read, then the collection is scanned', async () => {
    const { store, docs } = await counted();
    await store.count('members', { branchId: 'b0' }); // the index built
    docs.walks = 0;
    await store.count('members', { branchId: null });
    await store.count('members', { branchId: { $ne: 'b1' } });
    await store.count('members', { sortName: 'n1' });
    await store.count('members', { $or: [{ branchId: 'b1' }, { sortName: 'n1' }] });
    await store.count('members', { branchId: { $gt: 1 } });
    expect(docs.walks).toBe(5);
  });

  it("given the directory's filter (its branches' members settled by today, or with a change pending after it), when a page is read, then only those members and the pending ones are visited", async () => {
    // 3,000 members in 100 branches, every 500th with a change dated after today (all in b0)
    const members = Array.from({ length: 3000 }, (_, n) => ({ _id: `m${n}`, branchId: `b${n % 100}`, sortName: `n${n % 7}`, settledOn: n % 500 === 0 ? `2027-0${1 + (n % 9)}-01` : `2019-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}` }));
    const spec: CollectionSpec = { indexes: [{ key: { sortName: 1, _id: 1 } }, { key: { branchId: 1, sortName: 1 } }, { key: { settledOn: 1 } }] };
    const [store, plain] = [new MemoryReadStore(), new MemoryReadStore()];
    const docs = new CountingMap<string, Doc>();
    (store as unknown as { collections: Map<string, Map<string, Doc>> }).collections.set('members', docs);
    for (const s of [store, plain]) {
      await s.ensureCollection('members', s === store ? spec : {});
      await s.insert('members', members);
    }
    const today = '2026-12-03';
    const directory = { $or: [{ branchId: { $in: ['b1', 'b2'] }, settledOn: { $lte: today } }, { settledOn: { $gt: today } }] };
    // the next page, as afterName joins it
    const next = { $and: [directory, { $or: [{ sortName: { $gt: 'n3' } }, { sortName: 'n3', _id: { $gt: 'm1102' } }] }] };
    const page = { sort: { sortName: 1, _id: 1 }, limit: 51 } as const;
    await store.count('members', { branchId: 'b0' }); // the index is built on first use: one walk
    docs.gets = docs.walks = 0;
    const first = await store.find('members', directory, page);
    expect(first).toEqual(await plain.find('members', directory, page));
    expect(first).toHaveLength(51);
    expect(await store.find('members', next, page)).toEqual(await plain.find('members', next, page));
    expect(await store.count('members', directory)).toBe(60 + 6);
    // each read looked its 60 members and 6 pending ones up by key: none walked the 3,000
    expect({ gets: docs.gets, walks: docs.walks }).toEqual({ gets: 3 * 66, walks: 0 });
  });

  it('given a filter whose look-up finds as many as there are documents (every branch of a district), when it is read, then the collection is scanned, once', async () => {
    const { store, docs } = await counted();
    await store.count('members', { branchId: 'b0' }); // the index built
    docs.gets = docs.walks = 0;
    const everyBranch = { branchId: { $in: Array.from({ length: 100 }, (_, n) => `b${n}`) } };
    expect(await store.count('members', everyBranch)).toBe(3000);
    expect((await store.find('members', everyBranch, { sort: { sortName: 1, _id: 1 }, limit: 2 })).map((d) => d._id)).toEqual(['m0', 'm1001']);
    expect({ gets: docs.gets, walks: docs.walks }).toEqual({ gets: 0, walks: 2 });
  });

  it('given a document changed in place behind the store (a batch planned on the initial load\'s documents), when its write is refused by the guard, then the index follows the document', async () => {
    const store = new MemoryReadStore();
    await store.ensureCollection('t', { indexes: [{ key: { g: 1 } }] });
    await store.write('t', [{ _id: 'a', pos: 1, replace: { g: 'x' }, upsert: true }]);
    expect(await store.count('t', { g: 'x' })).toBe(1);
    const doc = store.documentsOf('t').get('a')!;
    store.loaded('t');
    expect(await store.count('t', { g: 'x' })).toBe(1); // read after the load: the index built
    Object.assign(doc, { g: 'y', _pos: 2 });
    expect(await store.write('t', [{ _id: 'a', pos: 2, update: { $set: { g: 'y' } }, upsert: false }])).toEqual({ applied: 0 });
    expect((await store.find('t', { g: 'y' })).map((d) => d._id)).toEqual(['a']);
    expect(await store.count('t', { g: 'x' })).toBe(0);
  });

  it('given a shadow copy switched in, when the target is read, then it answers by the copy\'s declared indexes', async () => {
    const store = new MemoryReadStore();
    await store.ensureCollection('t', {});
    await store.ensureCollection('t.shadow', { indexes: [{ key: { g: 1 } }] });
    await store.insert('t.shadow', [{ _id: 'a', g: 'x' }, { _id: 'b', g: ['x', 'y'] }, { _id: 'c', g: 'y' }]);
    await store.renameCollection('t.shadow', 't');
    await store.write('t', [{ _id: 'c', pos: 1, update: { $set: { g: 'x' } }, upsert: false }]);
    expect((await store.find('t', { g: 'x' })).map((d) => d._id)).toEqual(['a', 'b', 'c']);
    expect((await store.find('t', { g: 'y' })).map((d) => d._id)).toEqual(['b']);
    expect(await store.find('t.shadow', { g: 'x' })).toEqual([]);
  });
});
