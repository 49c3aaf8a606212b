import { applyWrite } from './apply';
import { merge, planned, PlannedWrite, toWriteOp } from './coalesce';
import { canonical, Doc } from './document';
import { Operation } from './projection';
import { Update } from './updater';

/** A small seeded generator, so that a failing case can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

/** Random operations that keep each field's type (numbers, arrays, a string, a sub-document), as projections do. */
function randomOperation(r: () => number): Operation {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const n = () => Math.floor(r() * 5) - 1;
  const kind = r();
  if (kind < 0.05) return { collection: 'c', _id: 'd', delete: true };
  if (kind < 0.1) return { collection: 'c', _id: 'd', replace: { n: n(), arr: [n()], s: 'r', c: { x: n(), y: n() } }, upsert: r() < 0.7 };
  const fields: Array<() => [keyof Update, string, unknown]> = [
    () => [pick(['$inc', '$set', '$min', '$max']), pick(['n', 'c.x', 'c.y']), n()],
    () => ['$unset', pick(['n', 'c.x', 'arr', 's', 'c']), ''],
    () => [pick(['$push', '$addToSet']), pick(['arr', 'tags']), r() < 0.5 ? n() : { $each: [n(), n()] }],
    () => ['$pull', pick(['arr', 'tags']), r() < 0.5 ? n() : { $in: [n(), n()] }],
    () => ['$set', pick(['arr', 'tags']), [n(), n()]],
    () => [pick(['$set', '$setOnInsert']), 's', pick(['a', 'b', 'c'])],
    () => ['$set', 'c', { x: n(), y: n() }],
  ];
  const update: Update = {};
  const used: string[] = [];
  for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
    const [operator, path, value] = pick(fields)();
    if (used.some((u) => u === path || u.startsWith(`${path}.`) || path.startsWith(`${u}.`))) continue;
    used.push(path);
    (update[operator] ??= {})[path] = value;
  }
  return { collection: 'c', _id: 'd', update, upsert: r() < 0.7 };
}

const one = (doc: Doc | undefined, operation: Operation, pos: number) => applyWrite(doc, toWriteOp('d', planned(operation, pos))).doc;

function coalesced(operations: Operation[]): PlannedWrite[] {
  const writes: PlannedWrite[] = [];
  operations.forEach((operation, i) => {
    const write = planned(operation, i + 1);
    const merged = writes.length ? merge(writes[writes.length - 1], write) : undefined;
    if (merged) writes[writes.length - 1] = merged;
    else writes.push(write);
  });
  return writes;
}

const initial = (): Doc => ({ _id: 'd', n: 2, arr: [1, 2], tags: [0], s: 'x', c: { x: 1, y: 1 }, _pos: 0 });

describe('coalescing writes to one document', () => {
  it('gives exactly the document of applying the operations one by one (5000 random sequences, present or absent)', () => {
    const r = rng(20260326);
    let merges = 0;
    for (let trial = 0; trial < 5000; trial++) {
      const operations = Array.from({ length: 1 + Math.floor(r() * 6) }, () => randomOperation(r));
      for (const start of [undefined, initial()]) {
        let expected = start && (JSON.parse(JSON.stringify(start)) as Doc);
        operations.forEach((o, i) => (expected = one(expected, o, i + 1)));
        const writes = coalesced(operations);
        merges += operations.length - writes.length;
        let actual = start && (JSON.parse(JSON.stringify(start)) as Doc);
        for (const w of writes) actual = applyWrite(actual, toWriteOp('d', w)).doc;
        const context = `trial ${trial}: ${JSON.stringify(operations)} from ${JSON.stringify(start)}`;
        expect({ context, doc: actual && canonical(actual) }).toEqual({ context, doc: expected && canonical(expected) });
      }
    }
    expect(merges).toBeGreaterThan(5000); // most sequences do merge
  });

  it('merges a counter projection\'s increments into one write with the last position', () => {
    const writes = coalesced([
      { collection: 'c', _id: 'd', update: { $inc: { members: 1, 'byGender.female': 1 }, $setOnInsert: { name: 'Chi đoàn 1' } }, upsert: true },
      { collection: 'c', _id: 'd', update: { $inc: { members: 1, 'byGender.male': 1 } }, upsert: true },
      { collection: 'c', _id: 'd', update: { $inc: { members: -1 }, $set: { lastChange: '2026-11-25' } } },
    ]);
    expect(writes).toHaveLength(1);
    expect(toWriteOp('d', writes[0])).toEqual({
      _id: 'd',
      pos: 3,
      upsert: true,
      update: { $inc: { members: 1, 'byGender.female': 1, 'byGender.male': 1 }, $setOnInsert: { name: 'Chi đoàn 1' }, $set: { lastChange: '2026-11-25' } },
    });
  });

  it('starts a second round when one MongoDB update cannot express both (an insert-only field then incremented)', () => {
    const writes = coalesced([
      { collection: 'c', _id: 'd', update: { $setOnInsert: { n: 1 } }, upsert: true },
      { collection: 'c', _id: 'd', update: { $inc: { n: 1 } }, upsert: true },
    ]);
    expect(writes.map((w) => w.pos)).toEqual([1, 2]);
  });
});
