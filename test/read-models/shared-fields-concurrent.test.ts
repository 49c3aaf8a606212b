import { SharedFieldsStore } from '@register/read-models';
import { uniqueName } from '../support/servers';
import { openMongo } from './support';

/**
 * Projections of different logs write their own fields of the same shared documents, each from its
 * own runner, so their writes meet in time. On FerretDB v1 an update is a read, a change and a
 * rewrite of the whole document, not atomic against another client's update: two `$set`s of
 * different fields at once could leave one of them lost (reports counted 88 Party introductions
 * of 90). The store must keep every projection's field, whatever the server does with one update.
 */
describe('the shared reporting documents on FerretDB: concurrent writes of different fields', () => {
  it('keeps every field of every projection when four projections write the same documents at once', async () => {
    const mongo = await openMongo(uniqueName('rm_shared'));
    const fields = ['structure', 'membership', 'training', 'evaluation'];
    const store = new SharedFieldsStore(mongo, Object.fromEntries(fields.map((f) => [`${f}.branches`, { collection: 'report.branches', field: f }])));
    try {
      const documents = 20;
      const writesPerField = 15;
      // each field's counter raised one write at a time (as one runner does), the four fields at once
      await Promise.all(
        fields.map(async (field) => {
          for (let pos = 1; pos <= writesPerField; pos++) {
            const ops = Array.from({ length: documents }, (_, d) => ({ _id: `b${d}`, pos, update: { $inc: { n: 1 } }, upsert: true }));
            await store.write(`${field}.branches`, ops, true);
          }
        }),
      );
      const docs = await mongo.find('report.branches', {});
      const counts = docs.flatMap((doc) => fields.map((f) => (doc[f] as { n?: number } | undefined)?.n ?? 0));
      expect(docs).toHaveLength(documents);
      expect(counts.filter((n) => n !== writesPerField)).toEqual([]);
    } finally {
      await mongo.close();
    }
  });
});
