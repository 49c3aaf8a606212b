/**
 * Collection names on the real MongoDB-compatible server (mongo-names.ts): a new database stores
 * `<projection>.<collection>` without the dot, so that a rebuild's switch-in is a rename and not a
 * copy of every document; a database created with dotted names keeps them; a count with no filter
 * asks the collection's statistics.
 */
import { MongoReadStore } from '@register/read-models';
import { mongo } from 'mongoose';
import { servers, uniqueName } from '../support/servers';
import { openMongo } from './support';

jest.setTimeout(60_000);

const docs = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ _id: `d-${from + i}`, _pos: 1, name: `Nguyễn Văn ${from + i}` }));

describe('collection names in a MongoDB-compatible database', () => {
  const opened: MongoReadStore[] = [];
  const client = new mongo.MongoClient(servers.mongoUrl);
  const open = async (db: string) => opened[opened.push(await openMongo(db)) - 1];

  afterAll(async () => {
    for (const store of opened) await store.connection.db!.dropDatabase().catch(() => undefined);
    await Promise.all(opened.map((s) => s.close()));
    await client.close();
  });

  it('a new database stores a projection’s collection without the dot, and lists it by its logical name', async () => {
    const db = uniqueName('names_new');
    const store = await open(db);
    await store.ensureCollection('member-directory.members', {});
    await store.insert('member-directory.members', docs(3));

    const physical = (await client.db(db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(physical).toContain('member-directory:members');
    expect(physical).not.toContain('member-directory.members');
    expect(await store.listCollections()).toEqual(['member-directory.members']);
    expect((await store.findOne('member-directory.members', { _id: 'd-1' }))?.name).toBe('Nguyễn Văn 1');
  });

  it('switches a shadow copy in by renaming it: no document is read back or inserted again', async () => {
    const store = await open(uniqueName('names_rename'));
    await store.insert('unit-tree.units', docs(2));
    await store.insert('unit-tree~shadow.units', docs(5, 10));
    const insertMany = jest.spyOn(mongo.Collection.prototype, 'insertMany');
    try {
      await store.renameCollection('unit-tree~shadow.units', 'unit-tree.units');
      expect(insertMany).not.toHaveBeenCalled();
    } finally {
      insertMany.mockRestore();
    }
    expect(await store.count('unit-tree.units')).toBe(5);
    expect(await store.findOne('unit-tree.units', { _id: 'd-12' })).toBeDefined();
    expect(await store.listCollections()).not.toContain('unit-tree~shadow.units');
  });

  it('a database that already holds dotted collections keeps its names, and what it holds stays readable', async () => {
    const db = uniqueName('names_legacy');
    await client.db(db).collection<{ _id: string }>('branch-directory.branches').insertMany(docs(4));
    const store = await open(db);

    expect(await store.count('branch-directory.branches')).toBe(4);
    await store.insert('branch-directory.other', docs(1));
    const physical = (await client.db(db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(physical).toEqual(expect.arrayContaining(['branch-directory.branches', 'branch-directory.other']));
    // a second store on the same database reads the recorded layout, not the collections it finds
    const again = await open(db);
    expect(await again.count('branch-directory.other')).toBe(1);
  });

  it('counts a whole collection exactly after inserts and deletes, and an absent one as 0', async () => {
    const store = await open(uniqueName('names_count'));
    await store.insert('ratings.ratings', docs(2500));
    await store.write('ratings.ratings', [{ _id: 'd-7', pos: 2, delete: true }, { _id: 'd-8', pos: 2, delete: true }], false);
    expect(await store.count('ratings.ratings')).toBe(2498);
    expect(await store.count('ratings.ratings', { _id: 'd-9' })).toBe(1);
    expect(await store.count('ratings.absent')).toBe(0);
  });
});
