import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Extension, PGlite } from '@electric-sql/pglite';
import { EventStore, EventToAppend, RecordedEvent } from '@register/event-sourcing';
import { createPglite } from '@register/event-store';
import { PersonalData } from '@register/contracts';
import { readOnlyKeys } from './sealing';
import { SqlKeyReader, SqlKeyVault } from './sql-key-vault';
import { ShreddingEventStore } from './shredding-event-store';

const huong: PersonalData = { fullName: 'Lò Thị Hương', dateOfBirth: '2000-05-10', gender: 'female', ethnicity: 'Thái' };

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

  it('creates the keys asked for in one turn (a batch of admissions) in one statement; a key that exists comes back as it is, a shredded one as none', async () => {
    const { db, sql, table } = await countingDatabase();
    const other = await SqlKeyVault.open(sql, table);
    const kept = await other.keyFor('m-kept');
    await other.keyFor('m-gone');
    await other.shred('m-gone');
    const vault = await SqlKeyVault.open(sql, table);
    sql.statements = 0;
    const ids = [...Array.from({ length: 300 }, (_, i) => `m-${i}`), 'm-kept', 'm-gone'];
    const keys = await Promise.all(ids.map((id) => vault.keyFor(id)));
    expect(sql.statements).toBe(1);
    expect(new Set(keys.slice(0, 300).map((k) => k!.toString('hex'))).size).toBe(300);
    expect([keys[300], keys[301]]).toEqual([kept, undefined]);
    expect(await SqlKeyVault.open(sql, table).then((v) => v.find('m-299'))).toEqual(keys[299]);
    await db.close();
  });

  it('tells a shredded key (a tombstone, in this process or read from the table, by the vault, its read-only view and the CLI\'s reader) from one never made or still live', async () => {
    const { db, sql, table } = await countingDatabase();
    const other = await SqlKeyVault.open(sql, table);
    await other.keyFor('m-live');
    await other.shred('m-never-sealed'); // an erasure of a member with no key: a tombstone row
    await other.keyFor('m-gone');
    await other.shred('m-gone');
    const vault = await SqlKeyVault.open(sql, table);
    const asked = ['m-live', 'm-never-sealed', 'm-gone', 'm-unknown'];
    const expected = [false, true, true, false];
    expect(await Promise.all(asked.map((id) => other.isShredded(id)))).toEqual(expected);
    expect(await Promise.all(asked.map((id) => vault.isShredded(id)))).toEqual(expected);
    expect(await Promise.all(asked.map((id) => readOnlyKeys(vault).isShredded(id)))).toEqual(expected);
    expect(await Promise.all(asked.map((id) => new SqlKeyReader(sql, table).isShredded(id)))).toEqual(expected);
    await db.close();
  });

  it('leaves no copy of a shredded key in the table\'s file: the row as it was before the update is vacuumed away at once', async () => {
    // A subpath export, which this project's module resolution does not type: loaded by name.
    const contrib = '@electric-sql/pglite/contrib/pageinspect';
    const { pageinspect } = (await import(contrib)) as { pageinspect: Extension };
    const db = new PGlite({ extensions: { pageinspect } });
    await db.exec('create extension pageinspect');
    const sql = { query: <R>(text: string, params?: unknown[]) => db.query<R>(text, params), exec: (text: string) => db.exec(text) };
    const vault = await SqlKeyVault.open(sql, 'evaluation');
    for (let i = 0; i < 20; i += 1) await vault.keyFor(`m-${i}`);
    const key = (await vault.keyFor('m-gone'))!;
    const onPages = async () => {
      const { rows } = await db.query<{ data: Uint8Array | null }>("select t_data as data from heap_page_items(get_raw_page('evaluation.personal_data_keys', 0))");
      return rows.some((r) => r.data !== null && Buffer.from(r.data).includes(key));
    };
    expect(await onPages()).toBe(true);
    await vault.shred('m-gone');
    expect([await vault.isShredded('m-gone'), await onPages()]).toEqual([true, false]);
    await db.close();
  });

  it("leaves no copy of a shredded key in the data folder's write-ahead log (a probe read one back from pg_wal)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'key-vault-wal-'));
    try {
      const db = new PGlite(dir);
      const sql = { query: <R>(text: string, params?: unknown[]) => db.query<R>(text, params), exec: (text: string) => db.exec(text), checkpointsHere: true };
      const vault = await SqlKeyVault.open(sql, 'personnel');
      const key = (await vault.keyFor('m-gone'))!;
      const inWal = () => readdirSync(join(dir, 'pg_wal')).filter((f) => /^[0-9A-F]{24}$/.test(f)).some((f) => readFileSync(join(dir, 'pg_wal', f)).includes(key));
      expect(inWal()).toBe(true);
      await vault.shred('m-gone');
      expect([await vault.isShredded('m-gone'), inWal()]).toEqual([true, false]);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates a key of several members\' text with its links in one statement; each member, by the vault and by the CLI\'s reader, finds it', async () => {
    const { db, sql, table } = await countingDatabase();
    const vault = await SqlKeyVault.open(sql, table);
    sql.statements = 0;
    const key = await vault.keyFor('event:e1', ['m1', 'm2']);
    expect([sql.statements, key?.length]).toEqual([1, 32]);
    expect(await vault.keyFor('event:e1', ['m1', 'm2'])).toEqual(key);
    expect([await vault.linkedKeys('m1'), await vault.linkedKeys('m2'), await new SqlKeyReader(sql, table).linkedKeys('m2'), await vault.linkedKeys('m3')]).toEqual([['event:e1'], ['event:e1'], ['event:e1'], []]);
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

  it('a read that started before a shredding and answers after it (another connection of the pool) does not put the key back in the cache', async () => {
    const { db, sql, table } = await countingDatabase();
    await (await SqlKeyVault.open(sql, table)).keyFor('m1');
    const vault = await SqlKeyVault.open(sql, table); // m1's key not cached here
    // The key look-up runs now (its snapshot has the key), its answer is held until the shredding has committed.
    let answer!: () => void;
    let sent!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const lookupSent = new Promise<void>((resolve) => (sent = resolve));
    const query = sql.query;
    sql.query = <R>(text: string, params?: unknown[]) => {
      const rows = query<R>(text, params);
      if (!text.startsWith('select key_id')) return rows;
      sent();
      return held.then(() => rows);
    };
    const reading = vault.find('m1');
    await lookupSent;
    await vault.shred('m1');
    answer();
    await reading;
    expect(await vault.find('m1')).toBeUndefined();
    expect(await vault.keyFor('m1')).toBeUndefined();
    await db.close();
  });

  it('shreds the rows of erasures told by the write-side view idempotently: a row already shredded keeps its time, a member with no row gets a tombstone, and the erasures that pile up go in one statement', async () => {
    const { db, sql, table } = await countingDatabase();
    const erasing = await SqlKeyVault.open(sql, table);
    for (const m of ['m1', 'm2']) await erasing.keyFor(m);
    await erasing.shred('m1');
    const shreddedAt = async (id: string) => (await sql.query<{ at: string | null; live: boolean }>(`select shredded_at::text as at, key is not null as live from ${table}.personal_data_keys where key_id = $1`, [id])).rows[0];
    const before = await shreddedAt('m1');
    expect(before.at).not.toBeNull();
    const other = await SqlKeyVault.open(sql, table); // another instance, its view applying the erasures
    expect(await other.find('m2')).toBeDefined();
    sql.statements = 0;
    for (const m of ['m1', 'm2', 'm3']) other.erased(m);
    expect(await other.find('m2')).toBeUndefined(); // at once, before any row is written
    await other.shredPending();
    expect(sql.statements).toBe(2); // the first erasure alone, the two that piled up behind it together
    expect(await shreddedAt('m1')).toEqual(before);
    expect(await shreddedAt('m2')).toMatchObject({ live: false });
    expect(await shreddedAt('m3')).toMatchObject({ live: false });
    expect(other.pendingShreds()).toEqual([]);
    await db.close();
  });
});

/** A log in memory, paged as readAll pages it: what the personnel log holds at rest. */
function memoryLog(): EventStore {
  const rows: RecordedEvent[] = [];
  return {
    async append(streamId: string, events: EventToAppend[]) {
      for (const e of events) rows.push({ ...e, streamId, revision: 0, position: rows.length + 1, recordedAt: '2020-03-26T00:00:00Z' });
      return { revision: 0, position: rows.length };
    },
    async readAll(after: number, limit: number) {
      return rows.filter((r) => r.position > after).slice(0, limit);
    },
  } as unknown as EventStore;
}

const admission = (memberId: string): EventToAppend => ({
  eventId: `e-${memberId}`,
  type: 'MemberAdmitted',
  schemaVersion: 1,
  data: { memberId, branchId: 'b1', admittedOn: '2020-03-26', personal: huong },
  metadata: { actor: 't', reason: `kết nạp ${memberId}`, effectiveDate: '2020-03-26', correlationId: 'c' },
});

describe('opening a page of the log with keys not in memory (a rebuild, a start from the log)', () => {
  it('reads the keys of a page of 200 members\' events in one statement, with the rebuild CLI\'s reader and with a vault that has not cached them; a shredded key stays shredded', async () => {
    const { db, sql, table } = await countingDatabase();
    const writer = await SqlKeyVault.open(sql, table);
    const log = memoryLog();
    const sealing = new ShreddingEventStore(log, writer);
    for (let m = 0; m < 200; m++) await sealing.append(`member-m${m}`, [admission(`m${m}`)], 'no_stream');
    await writer.shred('m7');
    for (const reader of [new SqlKeyReader(sql, table), await SqlKeyVault.open(sql, table)]) {
      sql.statements = 0;
      const page = await new ShreddingEventStore(log, reader).readAll(0, 1000);
      expect(sql.statements).toBe(1); // was one per member: 200
      expect(page.map((e) => (e.data as { personal: unknown }).personal)).toEqual(Array.from({ length: 200 }, (_, m) => (m === 7 ? null : huong)));
      expect(page.map((e) => e.metadata.reason)).toEqual(Array.from({ length: 200 }, (_, m) => (m === 7 ? '[erased]' : `kết nạp m${m}`)));
    }
    await db.close();
  });
});
