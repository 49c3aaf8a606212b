import { applyUpdate, UpdateError } from './updater';

describe('in-memory update operators (MongoDB semantics)', () => {
  it('sets nested paths, increments, bounds, and edits arrays', () => {
    const doc: Record<string, unknown> = { _id: 'x' };
    applyUpdate(doc, { $set: { 'a.b': 1 }, $inc: { n: 2 }, $addToSet: { tags: { $each: ['a', 'b', 'a'] } }, $push: { list: { $each: [1, 2] } }, $max: { m: 5 }, $setOnInsert: { created: 'now' } }, true);
    expect(doc).toEqual({ _id: 'x', a: { b: 1 }, n: 2, tags: ['a', 'b'], list: [1, 2], m: 5, created: 'now' });
    applyUpdate(doc, { $pull: { tags: 'a', list: { $in: [1] } }, $unset: { 'a.b': '' }, $min: { m: 3 }, $inc: { n: 1 }, $setOnInsert: { created: 'later' } }, false);
    expect(doc).toEqual({ _id: 'x', a: {}, n: 3, tags: ['b'], list: [2], m: 3, created: 'now' });
  });

  it('pulls documents by a query on their fields', () => {
    const doc = { _id: 'x', officers: [{ memberId: 'm1', post: 'secretary' }, { memberId: 'm2', post: 'deputy' }] };
    applyUpdate(doc, { $pull: { officers: { post: 'secretary' } } }, false);
    expect(doc.officers).toEqual([{ memberId: 'm2', post: 'deputy' }]);
  });

  it('refuses what MongoDB refuses', () => {
    expect(() => applyUpdate({ n: 'text' }, { $inc: { n: 1 } }, false)).toThrow(UpdateError);
    expect(() => applyUpdate({ a: 1 }, { $push: { a: 1 } }, false)).toThrow(UpdateError);
    expect(() => applyUpdate({}, { $rename: { a: 'b' } } as never, false)).toThrow(UpdateError);
  });
});
