import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { EventStore, EventToAppend } from '@register/event-sourcing';
import { openPostgresEventStore } from '@register/event-store';
import { PersonnelDirectory } from '../../services/personnel/src/application/personnel-directory';
import { huong } from '../../services/personnel/src/domain/fixtures';
import { ErasePersonalDataHandler } from '../../services/personnel/src/members/erase-personal-data.handler';
import { readOnlyKeys, SqlKeyVault } from '@register/personal-data';
import { ShreddingEventStore } from '@register/personal-data';
import { InMemoryReadLog } from '../../services/personnel/src/personal-data/read-log';
import { servers, uniqueName } from '../support/servers';

/**
 * Two instances of personnel on one PostgreSQL database (a database of this test's own): each with
 * its pool, its log store and its key vault (its own key cache), as in the distributed setup.
 */
let admin: Pool;
let database: string;
let url: string;
const opened: Array<{ close(): Promise<unknown> }> = [];

beforeAll(async () => {
  admin = new Pool({ connectionString: servers.postgresUrl, max: 1 });
  admin.on('error', () => undefined); // an idle connection the server ends must not end the suite
  database = uniqueName('erasure_instances');
  await admin.query(`create database ${database}`);
  const u = new URL(servers.postgresUrl);
  u.pathname = `/${database}`;
  url = u.toString();
});

afterAll(async () => {
  for (const c of opened.reverse()) await c.close().catch(() => undefined);
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
});

/** The SQL the vault is given; `failShredding` makes the next shredding statements fail (a lost connection). */
async function instance() {
  const pool = new Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined); // the database is dropped at the end
  opened.push({ close: () => pool.end() });
  const faults = { failShredding: 0 };
  const sql = {
    query: <R>(text: string, params?: unknown[]) => {
      if (faults.failShredding > 0 && /set key = null/.test(text)) {
        faults.failShredding -= 1;
        return Promise.reject(new Error('Connection terminated unexpectedly'));
      }
      return pool.query(text, params) as unknown as Promise<{ rows: R[] }>;
    },
    exec: (text: string) => pool.query(text),
  };
  const log = await openPostgresEventStore(url, 'personnel');
  opened.push(log);
  const vault = await SqlKeyVault.open(sql, 'personnel');
  const store: EventStore = new ShreddingEventStore(log, vault);
  return { vault, store, faults, view: () => new PersonnelDirectory(store, undefined, undefined, vault) };
}

const admission = (memberId: string): EventToAppend => ({
  eventId: randomUUID(),
  type: 'MemberAdmitted',
  schemaVersion: 1,
  data: { memberId, branchId: 'b1', admittedOn: '2020-03-26', personal: huong },
  metadata: { actor: 't', reason: `kết nạp ${huong.fullName}`, effectiveDate: '2020-03-26', correlationId: 'c' },
});
const erasure = (memberId: string): EventToAppend => ({
  eventId: randomUUID(),
  type: 'MemberPersonalDataErased',
  schemaVersion: 1,
  data: { memberId, erasedOn: '2026-12-01' },
  metadata: { actor: 't', reason: `xoá dữ liệu của ${huong.fullName}`, effectiveDate: '2026-12-01', correlationId: 'c' },
});

const nameIn = async (store: EventStore, memberId: string) => {
  const [admitted] = await store.readStream(`member-${memberId}`);
  return { personal: (admitted.data as { personal: unknown }).personal, reason: admitted.metadata.reason };
};
/**
 * A client of its own, ended before it answers: a pool's end() resolves before its connections have
 * gone, and one still open when afterAll drops the database (with force) was told 57P01 with no one
 * to hear it (a CI run failed so).
 */
const keyRow = async (memberId: string) => {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<{ live: boolean }>('select key is not null as live from personnel.personal_data_keys where key_id = $1', [memberId])).rows[0]?.live;
  } finally {
    await client.end(); // resolves once the socket is closed
  }
};

describe('an erasure taken by one instance, on another instance of personnel sharing the database', () => {
  it('once its write-side view has applied the erasure, the other instance opens the member\'s data no more, though it had the key cached', async () => {
    const a = await instance();
    const b = await instance();
    await a.store.append('member-m1', [admission('m1')], 'no_stream');
    expect(await nameIn(b.store, 'm1')).toEqual({ personal: huong, reason: `kết nạp ${huong.fullName}` }); // B caches m1's key

    await a.store.append('member-m1', [erasure('m1')], 0);
    await a.vault.shred('m1');
    expect(await keyRow('m1')).toBe(false);
    expect((await nameIn(b.store, 'm1')).personal).toEqual(huong); // B's view has not applied the erasure: its cache still has the key

    const viewOfB = b.view();
    await viewOfB.onModuleInit(); // follows the log up to its head: the erasure included
    try {
      expect(await nameIn(b.store, 'm1')).toEqual({ personal: null, reason: '[erased]' });
      expect(await b.vault.find('m1')).toBeUndefined();
      expect(await readOnlyKeys(b.vault).find('m1')).toBeUndefined(); // the auditors' view of B
      expect(await b.vault.keyFor('m1')).toBeUndefined(); // nothing new sealed for them on B
    } finally {
      await viewOfB.onModuleDestroy();
    }
  });

  it('the view tombstones the key even while the row is still live (the instance that erased failed to shred it), and shreds the row', async () => {
    const a = await instance();
    const b = await instance();
    await a.store.append('member-m2', [admission('m2')], 'no_stream');
    expect((await nameIn(b.store, 'm2')).personal).toEqual(huong);
    await a.store.append('member-m2', [erasure('m2')], 0);
    a.faults.failShredding = Infinity; // A lost its connection for good (or crashed) after recording the erasure
    b.faults.failShredding = 1; // B's first shredding statement fails too: B tries again
    await expect(a.vault.shred('m2')).rejects.toThrow(/terminated/);
    expect(await keyRow('m2')).toBe(true);
    expect(await a.vault.find('m2')).toBeUndefined(); // A's cache holds the tombstone all the same

    const viewOfB = b.view();
    await viewOfB.onModuleInit();
    try {
      expect(await nameIn(b.store, 'm2')).toEqual({ personal: null, reason: '[erased]' });
      await b.vault.shredPending(); // what B's view asked, awaited (not waited for by the clock)
      expect(b.vault.pendingShreds()).toEqual([]);
      expect(await keyRow('m2')).toBe(false);
      expect(a.vault.pendingShreds()).toEqual(['m2']); // B shredded it, not A
    } finally {
      await viewOfB.onModuleDestroy();
    }
  });

  it('the erasure command answers with the erasure recorded when the shredding after it fails, and the row is shredded by the retry', async () => {
    const a = await instance();
    await a.store.append('member-m3', [admission('m3')], 'no_stream');
    const recorded = { memberId: 'm3', revision: 1 };
    const personnel = {
      today: () => '2026-12-01',
      onMember: async () => (await a.store.append('member-m3', [erasure('m3')], 0), recorded),
    };
    a.faults.failShredding = 1;
    const handler = new ErasePersonalDataHandler(personnel as never, a.vault, new InMemoryReadLog());
    await expect(handler.handle('m3', { actor: 't', correlationId: 'c' } as never)).resolves.toBe(recorded);
    expect(await a.vault.find('m3')).toBeUndefined();
    await a.vault.shredPending();
    expect(await keyRow('m3')).toBe(false);
  });
});
