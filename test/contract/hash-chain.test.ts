import { generateKeyPairSync } from 'node:crypto';
import { openPgliteEventStore, openPostgresEventStore, postgresClient, SqlClient, SqlEventStore, SqlLogCheckpoints } from '@register/event-store';
import { LogIntegrity, LogVerifier, signCheckpoint } from '@register/verifiable-log';
import { anEvent } from '../support/events';
import { servers, uniqueName } from '../support/servers';

const keys = generateKeyPairSync('ed25519');

async function verdictOf(store: SqlEventStore) {
  const verifier = new LogVerifier();
  for (let after = 0; ; ) {
    const page = await store.chain.entries(after, 500);
    if (page.length === 0) break;
    page.forEach((row) => verifier.feed(row));
    after = page[page.length - 1].position;
  }
  return verifier.finish([], 'test', keys.publicKey);
}

/** A log as the register wrote it before the chain: the events table without chain columns. */
const legacyLog = (schema: string) => `
  create schema ${schema};
  create table ${schema}.streams (stream_id text primary key, revision bigint not null);
  create sequence ${schema}.event_position;
  create table ${schema}.events (position bigint primary key, event_id uuid not null unique, stream_id text not null, revision bigint not null,
    type text not null, schema_version int not null, data jsonb not null, metadata jsonb not null,
    recorded_at timestamptz not null default date_trunc('milliseconds', clock_timestamp()), unique (stream_id, revision));
  insert into ${schema}.streams values ('branch-1', 2);
  insert into ${schema}.events (position, event_id, stream_id, revision, type, schema_version, data, metadata)
  select nextval('${schema}.event_position'), gen_random_uuid(), 'branch-1', r, 'BranchRenamed', 1, jsonb_build_object('name', 'Chi đoàn thôn Nà Ca ' || r), '{"actor":"old","reason":"r"}'
  from generate_series(0, 2) r;`;

type Legacy = { store: SqlEventStore; sql: (q: string) => Promise<void>; client: SqlClient };

function hashChainSuite(name: string, open: () => Promise<SqlEventStore>, openLegacy: () => Promise<Legacy>) {
  describe(`the hash chain: ${name}`, () => {
    it('chains every event in the append, across concurrent writers, and a verifier finds the log clean', async () => {
      const store = await open();
      try {
        await Promise.all(Array.from({ length: 6 }, (_, w) => (async () => {
          for (let i = 0; i < 10; i += 1) await store.append(`writer-${w}`, [anEvent('BranchRenamed', { name: `Chi đoàn bản Huồi ${w}-${i}` }), anEvent()], 'any');
        })()));
        const verdict = await verdictOf(store);
        expect(verdict).toMatchObject({ events: 120, size: 120, problems: [] });
        const rows = await store.chain.entries(0, 1000);
        expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i));
        expect(rows[1].prevHash).toBe(rows[0].hash);
        expect(JSON.parse(rows[0].entry)[5]).toMatchObject({ name: expect.stringContaining('Chi đoàn bản Huồi') });
      } finally {
        await store.close();
      }
    });

    it('hashes a log written before the chain once, from its first event, and records the upgrade as an event', async () => {
      const { store, sql } = await openLegacy();
      try {
        const rows = await store.chain.entries(0, 100);
        expect(rows.map((r) => [r.seq, JSON.parse(r.entry)[3]])).toEqual([[0, 'BranchRenamed'], [1, 'BranchRenamed'], [2, 'BranchRenamed'], [3, 'HashChainStarted']]);
        expect(JSON.parse(rows[3].entry)[5]).toEqual({ eventsHashed: 3 });
        expect((await verdictOf(store)).problems).toEqual([]);
        await store.append('branch-2', [anEvent()], 'no_stream');
        expect(await store.chain.hashExisting()).toBe(0);
        expect((await verdictOf(store)).size).toBe(5);
        await sql('select 1');
      } finally {
        await store.close();
      }
    });

    it('names, on the stored rows, an edited, a deleted, an inserted and two swapped events', async () => {
      const { store, sql } = await openLegacy();
      try {
        for (let i = 0; i < 8; i += 1) await store.append(`member-${i}`, [anEvent('MemberAdmitted', { fullName: `Lò Văn ${i}` })], 'no_stream');
        const rows = await store.chain.entries(0, 100);
        const at = (i: number) => rows[i].position;
        await sql(`update events set data = jsonb_set(data, '{fullName}', '"Lò Thị Mai"') where position = ${at(5)}`);
        await sql(`delete from events where position = ${at(7)}`);
        await sql(`update events set position = -1 where position = ${at(9)}; update events set position = ${at(9)} where position = ${at(10)}; update events set position = ${at(10)} where position = -1`);
        await sql(`insert into events (position, event_id, stream_id, revision, type, schema_version, data, metadata) values (${at(11) + 1000}, gen_random_uuid(), 'member-x', 0, 'MemberAdmitted', 1, '{"fullName":"Kẻ Giả"}', '{}')`);
        const problems = (await verdictOf(store)).problems.map((p) => [p.position, p.kind]);
        expect(problems).toEqual([[at(5), 'edited'], [at(8), 'deleted'], [at(9), 'reordered'], [at(10), 'reordered'], [at(11) + 1000, 'inserted']]);
      } finally {
        await store.close();
      }
    });

    it('names a checkpoint whose stored signature was altered, and one re-signed over another root', async () => {
      const { store, sql, client } = await openLegacy();
      try {
        const integrity = new LogIntegrity('test', 'test/log', store.chain, await SqlLogCheckpoints.open(client, store.schemaName), { name: 'union-register', ...keys });
        expect((await integrity.checkpoint())?.size).toBe(4);
        await store.append('member-a', [anEvent()], 'no_stream');
        expect((await integrity.checkpoint())?.size).toBe(5);
        expect((await integrity.verify()).problems).toEqual([]);
        // The signature's bytes after its key id, changed: the note still names the key.
        const [stored] = (await integrity.checkpointsMade()).filter((c) => c.size === 4);
        const blob = Buffer.from(stored.note.trim().split(' ').pop() as string, 'base64');
        blob[40] ^= 0xff;
        await sql(`update log_checkpoints set note = '${stored.note.replace(/ \S+\n$/, ` ${blob.toString('base64')}\n`)}' where size = 4`);
        expect((await integrity.verify()).problems.map((p) => [p.kind, p.detail])).toEqual([['checkpoint-signature', 'checkpoint 4: the signature does not verify']]);
        const forged = signCheckpoint({ origin: 'test/log', size: 5, root: Buffer.alloc(32, 9) }, 'union-register', keys.privateKey, keys.publicKey);
        await sql(`update log_checkpoints set note = '${forged}' where size = 5`);
        expect((await integrity.verify()).problems.map((p) => p.kind)).toEqual(['checkpoint-not-extending', 'checkpoint-signature']);
      } finally {
        await store.close();
      }
    });
  });
}

hashChainSuite(
  'PostgreSQL',
  () => openPostgresEventStore(servers.postgresUrl, uniqueName('chain')),
  async () => {
    const schema = uniqueName('legacy_chain');
    const admin: SqlClient = postgresClient({ connectionString: servers.postgresUrl, max: 1 });
    await admin.exec(legacyLog(schema));
    const store = await openPostgresEventStore(servers.postgresUrl, schema);
    return { store, client: admin, sql: async (q) => void (await admin.exec(`set search_path = ${schema}; ${q}`)) };
  },
);

hashChainSuite(
  'PGlite',
  () => openPgliteEventStore(),
  async () => {
    const store = await openPgliteEventStore();
    const client = (store as unknown as { sql: SqlClient }).sql;
    await client.exec(legacyLog('legacy'));
    const upgraded = await SqlEventStore.open(client, 'legacy');
    return { store: upgraded, client, sql: async (q) => void (await client.exec(`set search_path = legacy; ${q}`)) };
  },
);
