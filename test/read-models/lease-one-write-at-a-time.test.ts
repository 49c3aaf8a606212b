import { Lease, MongoReadStore, ProjectionStates } from '@register/read-models';
import { uniqueName } from '../support/servers';
import { openMongo } from './support';

/**
 * FerretDB v1 applies an update by reading the document and writing it back whole, in two steps:
 * two updates of one document at once can lose one of them, whatever fields each sets. A lease's
 * renewal (on its timer, or nudged by a takeover) and the holder's checkpoint save both update the
 * copy's state document; run together, the renewal could write back the checkpoint before the save.
 */
describe('a lease on FerretDB: its renewals and saves never overlap', () => {
  let mongo: MongoReadStore;
  let database: string;
  beforeAll(async () => {
    database = uniqueName('lease_serial');
    mongo = await openMongo(database);
  });
  afterAll(async () => {
    await mongo.connection.db!.dropDatabase();
    await mongo.close();
  });

  it('keeps every checkpoint saved while renewals run beside the saves', async () => {
    const states = new ProjectionStates(mongo);
    const lease = new Lease(states, 'lease-serial', { owner: 'holder', ttlMs: 60_000, version: 1 });
    expect(await lease.acquire()).toBe(true);
    const lost: number[] = [];
    for (let position = 1; position <= 100; position += 1) {
      await Promise.all([lease.renewNow(), lease.save({ position })]);
      const stored = (await states.load('lease-serial'))?.position;
      if (stored !== position) lost.push(position);
    }
    await lease.release();
    expect(lost).toEqual([]);
  });
});
