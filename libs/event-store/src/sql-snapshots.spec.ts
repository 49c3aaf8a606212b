import { pgliteClient } from './pglite';
import { createPglite } from './pglite-template';
import { SqlSnapshotStore } from './sql-snapshots';

describe('snapshots kept in PGlite (no autovacuum there)', () => {
  it('given a view saved again and again, then the table holds about one state, not one per save', async () => {
    const db = await createPglite();
    try {
      const store = await SqlSnapshotStore.open(pgliteClient(db), 'personnel', 256 * 1024);
      // Text that does not compress: a state stored as it is, about 1 MB.
      const state = (save: number) => ({ members: Array.from({ length: 20_000 }, (_, i) => `${save}-${i}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`) });
      for (let save = 1; save <= 10; save++) await store.save('personnel.directory@4', { position: save, state: state(save) });
      const { rows } = await db.query<{ total: number; one: number; parts: number }>(
        `select pg_total_relation_size('personnel.state_chunks') + pg_total_relation_size('personnel.chunked_states') as total,
                (select sum(pg_column_size(body)) from personnel.state_chunks) as one, (select count(*) from personnel.state_chunks) as parts`,
      );
      expect(Number(rows[0].parts)).toBeGreaterThan(1);
      expect(Number(rows[0].total)).toBeLessThan(3 * Number(rows[0].one));
      expect((await store.load('personnel.directory@4'))?.position).toBe(10);
    } finally {
      await db.close();
    }
  });
});
