import { pgliteClient } from './pglite';
import { createPglite } from './pglite-template';
import { SqlSnapshotStore } from './sql-snapshots';

describe('snapshots kept in PGlite (no autovacuum there)', () => {
  it('given a view saved again and again, then the table holds about one state, not one per save', async () => {
    const db = await createPglite();
    try {
      const store = await SqlSnapshotStore.open(pgliteClient(db), 'personnel');
      // Text that does not compress: a state stored as it is, about 1 MB.
      const state = (save: number) => ({ members: Array.from({ length: 20_000 }, (_, i) => `${save}-${i}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`) });
      for (let save = 1; save <= 10; save++) await store.save('personnel.directory@4', { position: save, state: state(save) });
      const { rows } = await db.query<{ total: number; one: number }>(
        `select pg_total_relation_size('personnel.snapshots') as total, (select pg_column_size(state) from personnel.snapshots) as one`,
      );
      expect(Number(rows[0].total)).toBeLessThan(3 * Number(rows[0].one));
      expect((await store.load('personnel.directory@4'))?.position).toBe(10);
    } finally {
      await db.close();
    }
  });
});
