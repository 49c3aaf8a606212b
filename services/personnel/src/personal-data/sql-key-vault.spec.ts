import type { PGlite } from '@electric-sql/pglite';
import { createPglite } from '@register/event-store';
import { readOnlyKeys, SqlKeyVault } from './sealing';

/**
 * PGlite behind the vault's SQL shape, counting the statements sent. One database for the file
 * (starting PGlite is most of this spec's time); each test has a key table of its own.
 */
let shared: Promise<PGlite> | undefined;
let tables = 0;
async function countingDatabase() {
  const db = await (shared ??= createPglite());
  const table = `personnel_${(tables += 1)}`;
  const sql = {
    table,
    statements: 0,
    query: <R>(text: string, params?: unknown[]) => (sql.statements++, db.query<R>(text, params)),
    exec: (text: string) => db.exec(text),
  };
  return { db: { close: async () => undefined }, sql, table };
}
afterAll(async () => (await shared)?.close());

describe('the key table (SqlKeyVault)', () => {
  it('creates a new member\'s key in one statement and reads it no more while it is in use (sealing, then opening for the projections)', async () => {
    const { db, sql, table } = await countingDatabase();
    const vault = await SqlKeyVault.open(sql, table);
    sql.statements = 0;
    const key = await vault.keyFor('m1');
    expect(sql.statements).toBe(1);
    expect(await vault.find('m1')).toEqual(key);
    expect(await readOnlyKeys(vault).find('m1')).toEqual(key);
    expect(await vault.keyFor('m1')).toEqual(key);
    expect(sql.statements).toBe(1);
    await db.close();
  });

  it('an existing key is read, not replaced: a second vault on the same table gets the same key', async () => {
    const { db, sql, table } = await countingDatabase();
    const first = await SqlKeyVault.open(sql, table);
    const key = await first.keyFor('m1');
    const second = await SqlKeyVault.open(sql, table);
    expect(await second.keyFor('m1')).toEqual(key);
    await db.close();
  });

  it('serves no shredded key from its cache: not to the vault that shredded it, nor to the auditors\' read-only view, nor once the key left the bounded cache', async () => {
    const { db, sql, table } = await countingDatabase();
    const vault = await SqlKeyVault.open(sql, table, { cachedKeys: 2 });
    const auditors = readOnlyKeys(vault);
    for (const m of ['m1', 'm2', 'm3']) await vault.keyFor(m); // m1 leaves the cache
    expect(await auditors.find('m2')).toBeDefined();
    await vault.shred('m2');
    await vault.shred('m1');
    expect(await vault.find('m2')).toBeUndefined();
    expect(await auditors.find('m2')).toBeUndefined();
    expect(await vault.find('m1')).toBeUndefined();
    expect(await vault.keyFor('m1')).toBeUndefined(); // nothing new is sealed for them
    for (const m of ['m4', 'm5', 'm6']) await vault.keyFor(m); // the tombstones leave the cache too
    expect(await vault.find('m2')).toBeUndefined();
    expect(await vault.keyFor('m2')).toBeUndefined();
    expect(await auditors.find('m3')).toBeDefined();
    await expect(auditors.keyFor('m7')).rejects.toThrow(/read only/);
    await expect(auditors.shred('m3')).rejects.toThrow(/read only/);
    await db.close();
  });
});
