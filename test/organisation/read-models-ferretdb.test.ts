import { canonical, MongoReadStore } from '@register/read-models';
import { nameKey, paginate } from '@register/service-kit';
import { sortKey } from '@register/text';
import { foldFacts, prefixes, project, randomReorganisation } from '../../services/organisation/src/testing/projection-testing';
import { branchView } from '../../services/organisation/src/application/views';
import { branchDirectoryProjection } from '../../services/organisation/src/directory/branch-directory.projection';
import { DirectoryFilter, searchBranches } from '../../services/organisation/src/directory/directory-query';
import { pageDirectory } from '../../services/organisation/src/directory/directory-read-model';
import { treeOf } from '../../services/organisation/src/tree/tree-query';
import { readTree } from '../../services/organisation/src/tree/tree-read-model';
import { unitTreeProjection } from '../../services/organisation/src/tree/unit-tree.projection';
import { servers, uniqueName } from '../support/servers';

/**
 * The organisation's read models on the real MongoDB-compatible server (FerretDB v1 on SQLite):
 * random reorganisations written there give the documents the embedded store gives, and the
 * queries the service runs (a regex on the folded search key, equality on the ancestor array,
 * keyset paging with $or, a $lte on depth) answer what the fold of the same facts answers.
 */
describe('organisation read models on FerretDB', () => {
  const stores: MongoReadStore[] = [];
  /** A database of its own for each run: a projection's checkpoint belongs to one log. */
  const freshStore = async () => stores[stores.push(await MongoReadStore.connect(servers.mongoUrl, uniqueName('org_rm'))) - 1];

  afterAll(async () => {
    for (const store of stores) {
      await store.connection.dropDatabase();
      await store.close();
    }
  });

  it.each([1, 2])('random reorganisation %i: same documents as in memory, same answers as the fold', async (seed) => {
    const [, , all] = prefixes(randomReorganisation(seed).events);
    const s = foldFacts(all);
    for (const projection of [branchDirectoryProjection, unitTreeProjection]) {
      const onServer = await project(projection, all, { store: await freshStore(), pageSize: 50, maxBatchEvents: 60 });
      const inMemory = await project(projection, all);
      for (const c of Object.keys(projection.collections)) {
        expect((await onServer.docs(c)).map(canonical)).toEqual((await inMemory.docs(c)).map(canonical));
      }
      if (projection === unitTreeProjection) {
        for (const id of s.units.keys()) {
          if (s.units.get(id)!.status !== 'active') continue;
          expect(await readTree(onServer.collection('units'), onServer.collection('branches'), id, { depth: 2 })).toEqual(treeOf(s, id, false, 2));
        }
      } else {
        const filters: DirectoryFilter[] = [{}, { status: 'any' }, { q: 'thong thu' }, { q: 'Chi đoàn tách' }, ...['tw', 'na', 'qp', 'x1'].map((parentUnitId) => ({ parentUnitId, status: 'any' as const }))];
        for (const filter of filters) {
          const folded = searchBranches(s, filter);
          let cursor: string | undefined;
          let foldCursor: string | undefined;
          do {
            const page = await pageDirectory(onServer.collection('branches'), { ...filter, limit: 9, cursor }, { hasMembers: () => false, hasSecretary: () => false });
            const expected = paginate(folded, (b) => nameKey(sortKey(b.name), b.id), 9, foldCursor);
            expect(page).toEqual({ items: expected.items.map(branchView), nextCursor: expected.nextCursor });
            cursor = page.nextCursor ?? undefined;
            foldCursor = expected.nextCursor ?? undefined;
          } while (cursor);
        }
      }
    }
  });
});
