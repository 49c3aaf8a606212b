import { generateKeyPairSync } from 'node:crypto';
import { openPgliteEventStore, openPostgresEventStore, postgresClient, SqlClient, SqlEventStore, SqlLogChain, SqlLogCheckpoints } from '@register/event-store';
import { fromHex, GENESIS_V2, leafOf, LogDamaged, LogIntegrity, LogVerifier, signCheckpoint, toHex, verifyBundle, verifyInclusion } from '@register/verifiable-log';
import { CheckpointedLog } from '@register/service-kit';
import { schemaSql } from '../../libs/event-store/src/sql-schema';
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
/** Runs on the legacy log's schema before the store opens it. */
type BeforeOpen = (client: SqlClient, schema: string) => Promise<void>;

/**
 * What the release before chain version 2 left: the legacy log hashed in version 1 (its upgrade
 * recorded), then two appends hashed in version 1, and a checkpoint signed over them.
 */
const chainedInVersion1 = (checkpoints: { note?: string }): BeforeOpen => async (client, schema) => {
  await client.exec(schemaSql(schema));
  const chain = new SqlLogChain(client, schema);
  await chain.hashExisting();
  for (const stream of ['branch-8', 'branch-9']) {
    await client.query(`select * from ${schema}.record_events($1, -1, $2::jsonb, null, '', null, 1::smallint)`, [stream, JSON.stringify([anEvent('BranchRenamed', { name: `Chi đoàn ${stream}` })])]);
  }
  const made = await new LogIntegrity('test', 'test/log', chain, await SqlLogCheckpoints.open(client, schema), { name: 'union-register', ...keys }).checkpoint();
  checkpoints.note = made?.note;
};

function hashChainSuite(name: string, open: () => Promise<SqlEventStore>, openLegacy: (before?: BeforeOpen) => Promise<Legacy>) {
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
        // A new log starts in chain version 2, recorded by its genesis: no switch event.
        expect(rows.every((r) => r.version === 2)).toBe(true);
        expect(rows[0].prevHash).toBe(toHex(GENESIS_V2));
        expect(JSON.parse(rows[0].entry)[5]).toMatchObject({ name: expect.stringContaining('Chi đoàn bản Huồi') });
      } finally {
        await store.close();
      }
    });

    it('chains the events of multi-stream batches (appendMany) between single appends, and a verifier finds the log clean', async () => {
      const store = await open();
      try {
        await store.append('branch-1', [anEvent('BranchEstablished', { name: 'Chi đoàn bản Pá Khôm' })], 'no_stream');
        for (let b = 0; b < 3; b += 1) {
          await store.appendMany(Array.from({ length: 40 }, (_, m) => ({ streamId: `member-${b}-${m}`, events: [anEvent('MemberAdmitted', { fullName: `Vi Thị Ửng ${b}-${m}` }), anEvent('MemberRated')], expected: 'no_stream' as const })));
          await store.append('branch-1', [anEvent('BranchRenamed', { name: `Chi đoàn bản Pá Khôm ${b}` })], b);
        }
        const verdict = await verdictOf(store);
        expect(verdict).toMatchObject({ events: 244, size: 244, problems: [] });
        const rows = await store.chain.entries(0, 1000);
        expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 244 }, (_, i) => i));
        expect(rows.slice(1).every((r, i) => r.prevHash === rows[i].hash)).toBe(true);
      } finally {
        await store.close();
      }
    });

    it('hashes a log written before the chain once, from its first event, and records the upgrade as an event; then switches it to version 2', async () => {
      const { store, sql } = await openLegacy();
      try {
        const rows = await store.chain.entries(0, 100);
        expect(rows.map((r) => [r.seq, JSON.parse(r.entry)[3], r.version])).toEqual([[0, 'BranchRenamed', 1], [1, 'BranchRenamed', 1], [2, 'BranchRenamed', 1], [3, 'HashChainStarted', 1], [4, 'HashChainUpgraded', 2]]);
        expect(JSON.parse(rows[3].entry)[5]).toEqual({ eventsHashed: 3 });
        expect(JSON.parse(rows[4].entry).slice(1, 6)).toEqual(['log-integrity', 1, 'HashChainUpgraded', 1, { chainVersion: 2 }]);
        expect((await verdictOf(store)).problems).toEqual([]);
        await store.append('branch-2', [anEvent()], 'no_stream');
        expect(await store.chain.hashExisting()).toBe(0);
        expect(await store.chain.startVersion2()).toBe(false);
        expect((await verdictOf(store)).size).toBe(6);
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
        expect((await integrity.checkpoint())?.size).toBe(5);
        await store.append('member-a', [anEvent()], 'no_stream');
        expect((await integrity.checkpoint())?.size).toBe(6);
        expect((await integrity.verify()).problems).toEqual([]);
        // The signature's bytes after its key id, changed: the note still names the key.
        const [stored] = (await integrity.checkpointsMade()).filter((c) => c.size === 5);
        const blob = Buffer.from(stored.note.trim().split(' ').pop() as string, 'base64');
        blob[40] ^= 0xff;
        await sql(`update log_checkpoints set note = '${stored.note.replace(/ \S+\n$/, ` ${blob.toString('base64')}\n`)}' where size = 5`);
        expect((await integrity.verify()).problems.map((p) => [p.kind, p.detail])).toEqual([['checkpoint-signature', 'checkpoint 5: the signature does not verify']]);
        const forged = signCheckpoint({ origin: 'test/log', size: 6, root: Buffer.alloc(32, 9) }, 'union-register', keys.privateKey, keys.publicKey);
        await sql(`update log_checkpoints set note = '${forged}' where size = 6`);
        // The note now holds another root than the stored column (the column was left as it was).
        expect((await integrity.verify()).problems.map((p) => p.kind)).toEqual(['checkpoint-not-extending', 'checkpoint-signature', 'checkpoint-signature']);
      } finally {
        await store.close();
      }
    });

    it("names a stored root that is not its signed note's, and serves the note's root (a black-box probe changed the column unnoticed)", async () => {
      const { store, sql, client } = await openLegacy();
      try {
        const integrity = new LogIntegrity('test', 'test/log', store.chain, await SqlLogCheckpoints.open(client, store.schemaName), { name: 'union-register', ...keys });
        const made = await integrity.checkpoint();
        await sql(`update log_checkpoints set root_hash = repeat('ab', 32) where size = 5`);
        expect((await integrity.verify()).problems.map((p) => [p.kind, p.detail])).toEqual([['checkpoint-signature', expect.stringContaining(`checkpoint 5: its stored root ${'ab'.repeat(32)} is not the root its signed note holds (${made?.rootHash})`)]]);
        expect((await integrity.checkpointsMade()).map((c) => c.rootHash)).toEqual([made?.rootHash]);
        const [first] = await store.chain.entries(0, 1);
        expect((await integrity.inclusionProof(first.position))?.rootHash).toBe(made?.rootHash);
      } finally {
        await store.close();
      }
    });

    it('gives no proof that needs a row deleted from the stored log: LogDamaged, where it gave a proof that did not hold', async () => {
      const { store, sql, client } = await openLegacy();
      try {
        for (let i = 0; i < 6; i += 1) await store.append(`member-${i}`, [anEvent('MemberAdmitted', { fullName: `Lò Văn ${i}` })], 'no_stream');
        const integrity = new LogIntegrity('test', 'test/log', store.chain, await SqlLogCheckpoints.open(client, store.schemaName), { name: 'union-register', ...keys });
        const made = await integrity.checkpoint();
        const rows = await store.chain.entries(0, 100);
        const proved = await integrity.inclusionProof(rows[2].position);
        expect(verifyInclusion(fromHex(proved!.leafHash!), proved!.leafIndex, proved!.treeSize!, proved!.proof.map(fromHex), fromHex(made!.rootHash))).toBe(true);
        await sql(`delete from events where position = ${rows[6].position}`);
        await expect(integrity.inclusionProof(rows[2].position)).rejects.toThrow(LogDamaged);
        await expect(integrity.inclusionProof(rows[7].position)).rejects.toThrow(LogDamaged);
        // Leaf 8's path is its neighbours and the signed tree's first eight leaves, kept whole with the checkpoint: it still holds.
        const past = (await integrity.inclusionProof(rows[8].position))!;
        expect(verifyInclusion(fromHex(past.leafHash!), past.leafIndex, past.treeSize!, past.proof.map(fromHex), fromHex(made!.rootHash))).toBe(true);
        // The export still carries the damaged log, for the offline verifier to name the gap.
        const lines: string[] = [];
        for await (const line of integrity.bundle()) lines.push(line);
        expect(verifyBundle(lines).problems.map((p) => p.kind)).toContain('deleted');
      } finally {
        await store.close();
      }
    });

    it('exports what its newest signed checkpoint covers, not the events appended while the bundle is written (a probe\'s exports under load failed verification)', async () => {
      const { store, client } = await openLegacy();
      try {
        for (let i = 0; i < 10; i += 1) await store.append(`member-${i}`, [anEvent('MemberAdmitted', { fullName: `Lò Văn ${i}` })], 'no_stream');
        const integrity = new LogIntegrity('test', 'test/log', store.chain, await SqlLogCheckpoints.open(client, store.schemaName), { name: 'union-register', ...keys });
        const made = (await integrity.checkpoint())!;
        const lines: string[] = [];
        for await (const line of integrity.bundle()) {
          if (lines.length === 0) for (let i = 10; i < 15; i += 1) await store.append(`member-${i}`, [anEvent('MemberAdmitted', { fullName: `Lò Văn ${i}` })], 'no_stream');
          lines.push(line);
        }
        expect(JSON.parse(lines[0])).toMatchObject({ complete: true, size: made.size });
        expect(lines.filter((l) => JSON.parse(l).type === 'event')).toHaveLength(made.size);
        expect(verifyBundle(lines).problems).toEqual([]);
        // A range asked past the signed head ends there too.
        const rows = await store.chain.entries(0, 100);
        const ranged: string[] = [];
        for await (const line of integrity.bundle(rows[made.size - 3].position, rows.at(-1)!.position)) ranged.push(line);
        expect(ranged.filter((l) => JSON.parse(l).type === 'event')).toHaveLength(3);
        expect(verifyBundle(ranged).problems).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('proves and exports from the tree\'s stored nodes; draws them once for a log signed before they were kept; reads the leaves where a node was edited', async () => {
      const { store, sql, client } = await openLegacy();
      try {
        for (let i = 0; i < 7; i += 1) await store.append(`member-${i}`, Array.from({ length: 100 }, (_, k) => anEvent('MemberAdmitted', { fullName: `Lò Thị Ửng ${i}-${k}` })), 'no_stream');
        let rowsRead = 0;
        const chain = { ...store.chain, entries: store.chain.entries.bind(store.chain), positionOf: store.chain.positionOf.bind(store.chain), head: store.chain.head.bind(store.chain),
          hashes: async (from: number, limit: number) => { const rows = await store.chain.hashes(from, limit); rowsRead += rows.length; return rows; } };
        const integrity = async () => new LogIntegrity('test', 'test/log', chain, await SqlLogCheckpoints.open(client, store.schemaName), { name: 'union-register', ...keys });
        const made = (await (await integrity()).checkpoint())!;
        expect(made.size).toBe(705);
        const rows = await store.chain.entries(0, 1000);
        const proveAndCount = async (position: number) => {
          rowsRead = 0;
          const proof = (await (await integrity()).inclusionProof(position))!;
          expect(verifyInclusion(fromHex(proof.leafHash!), proof.leafIndex, proof.treeSize!, proof.proof.map(fromHex), fromHex(made.rootHash))).toBe(true);
          return rowsRead;
        };
        expect(await proveAndCount(rows[100].position)).toBeLessThan(300);
        expect(await proveAndCount(rows[700].position)).toBeLessThan(300);
        const exported = async (from: number) => {
          const lines: string[] = [];
          for await (const line of (await integrity()).bundle(from)) lines.push(line);
          return verifyBundle(lines);
        };
        expect((await exported(rows[600].position)).problems).toEqual([]);
        // A log signed before the nodes were kept: its proofs read every leaf until a checkpoint draws them, once.
        await sql('delete from log_tree_nodes');
        expect(await proveAndCount(rows[100].position)).toBeGreaterThanOrEqual(705);
        const upgraded = await integrity();
        expect(await upgraded.checkpoint()).toBeUndefined();
        expect(await proveAndCount(rows[100].position)).toBeLessThan(300);
        // A stored node edited: the proof drawn from it does not give the signed root, so it is drawn from the leaves.
        await sql(`update log_tree_nodes set hash = decode(repeat('ab', 32), 'hex') where height = 8 and idx = 0`);
        expect(await proveAndCount(rows[300].position)).toBeGreaterThanOrEqual(705);
        expect((await exported(rows[300].position)).problems).toEqual([]);
        expect((await exported(rows[1].position)).problems).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('verifies from a checkpoint the auditor kept, in runs, reading only the events after it; says why where the log does not hold it', async () => {
      const { store, sql, client } = await openLegacy();
      try {
        const admit = async (from: number, n: number) => {
          for (let i = from; i < from + n; i += 100) await store.append(`member-${i}`, Array.from({ length: 100 }, (_, k) => anEvent('MemberAdmitted', { fullName: `Hà Thị Lụa ${i + k}` })), 'no_stream');
        };
        await admit(0, 600);
        const integrity = new LogIntegrity('test', 'test/log', store.chain, await SqlLogCheckpoints.open(client, store.schemaName), { name: 'union-register', ...keys });
        integrity.runEvents = 150;
        const kept = (await integrity.checkpoint())!;
        await admit(600, 400);
        await integrity.checkpoint();
        const whole = await integrity.verify();
        expect(whole).toMatchObject({ events: 1005, size: 1005, problems: [] });
        const fromKept = await integrity.verify(kept.note);
        expect(fromKept).toEqual({ ...whole, events: 400, trustedFrom: { size: 605, rootHash: kept.rootHash } });
        const rows = await store.chain.entries(0, 2000);
        // An edit after the kept checkpoint is named; one before it is not read (a whole verification names it).
        await sql(`update events set data = jsonb_set(data, '{fullName}', '"Kẻ Giả"') where position in (${rows[100].position}, ${rows[800].position})`);
        expect((await integrity.verify(kept.note)).problems.map((p) => [p.position, p.kind])).toEqual([[rows[800].position, 'edited']]);
        expect((await integrity.verify()).problems.map((p) => [p.position, p.kind])).toEqual([[rows[100].position, 'edited'], [rows[800].position, 'edited']]);
        // A checkpoint of another history, signed with the log's key: the whole log is verified, and why is said.
        const forked = signCheckpoint({ origin: 'test/log', size: 605, root: Buffer.alloc(32, 3) }, 'union-register', keys.privateKey, keys.publicKey);
        const fromForked = await integrity.verify(forked);
        expect(fromForked.trustedFrom).toBeUndefined();
        expect(fromForked.problems.map((p) => p.kind)).toEqual(['checkpoint-not-extending', 'edited', 'edited']);
        // A kept checkpoint past the log's end: it was cut short.
        await sql(`delete from events where seq >= 604`);
        const cut = await integrity.verify(kept.note);
        expect(cut.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['gap']));
        expect(cut.problems[0].detail).toContain('the trusted checkpoint holds 605');
      } finally {
        await store.close();
      }
    });

    it('builds only on signed checkpoints, draws again a stored frontier that does not give its root, and proves only events as stored (a black-box probe\'s findings)', async () => {
      const { store, sql, client } = await openLegacy();
      try {
        const admit = async (n: number) => store.append(`member-${n}-${Math.random()}`, Array.from({ length: n }, (_, k) => anEvent('MemberAdmitted', { fullName: `Mùa A Dính ${k}` })), 'no_stream');
        await admit(300);
        await admit(400);
        const integrity = async () => new LogIntegrity('test', 'test/log', store.chain, await SqlLogCheckpoints.open(client, store.schemaName), { name: 'union-register', ...keys });
        const made = (await (await integrity()).checkpoint())!;
        expect(made.size).toBe(705);
        const rows = await store.chain.entries(0, 2000);
        const foreign = generateKeyPairSync('ed25519');
        const forge = async (size: number, frontier = made.frontier) => {
          const note = signCheckpoint({ origin: 'test/log', size, root: Buffer.alloc(32, 5) }, 'union-register', foreign.privateKey, foreign.publicKey);
          await sql(`insert into log_checkpoints (size, root_hash, note, frontier) values (${size}, '${'05'.repeat(32)}', '${note}', '${JSON.stringify(frontier)}')`);
        };
        // A row whose signature fails, covering the event first: the proof is against the signed checkpoint after it.
        await forge(300);
        const proof = (await (await integrity()).inclusionProof(rows[100].position))!;
        expect([proof.treeSize, proof.rootHash]).toEqual([705, made.rootHash]);
        // A row beyond the head whose signature fails: checkpoints go on from the signed one.
        await forge(5000);
        await admit(20);
        const next = (await (await integrity()).checkpoint())!;
        expect(next.size).toBe(725);
        // The newest signed checkpoint's stored frontier changed, or emptied: drawn again, and the next checkpoint extends the log.
        await sql(`update log_checkpoints set frontier = jsonb_set(frontier, '{nodes,0}', '"${'ab'.repeat(32)}"') where size = 725`);
        await admit(5);
        expect((await (await integrity()).checkpoint())?.size).toBe(730);
        await sql(`update log_checkpoints set frontier = '{"size":730,"nodes":[]}' where size = 730`);
        await admit(5);
        expect((await (await integrity()).checkpoint())?.size).toBe(735);
        const verdict = await (await integrity()).verify();
        expect(verdict.problems.map((p) => p.kind)).toEqual(['checkpoint-signature', 'checkpoint-signature']);
        // An event whose stored data no longer gives its hash: no proof of it.
        await sql(`update events set data = jsonb_set(data, '{fullName}', '"Kẻ Giả"') where position = ${rows[50].position}`);
        await expect((await integrity()).inclusionProof(rows[50].position)).rejects.toThrow(/does not give its hash/);
        // A stored hash changed and the frontier emptied: the frontier is drawn again from the tree's stored nodes, which
        // give the signed root, so the next checkpoint signs the tree as it was signed (the edited leaf is not in it);
        // verification names the edit, and every signed root after it as not the log's, the new one as the others.
        await sql(`update events set hash = decode(repeat('cd', 32), 'hex') where position = ${rows[60].position}`);
        await sql(`update log_checkpoints set frontier = '{"size":735,"nodes":[]}' where size = 735`);
        await admit(5);
        const signedOver = (await (await integrity()).checkpoint())!;
        expect(signedOver.size).toBe(740);
        const afterEdit = (await (await integrity()).verify()).problems;
        expect(afterEdit.filter((p) => p.kind === 'checkpoint-not-extending').map((p) => p.detail.split(':')[0].split(' (')[0])).toEqual(['checkpoint 705', 'checkpoint 725', 'checkpoint 730', 'checkpoint 735', 'checkpoint 740']);
        expect(afterEdit.filter((p) => p.kind === 'edited').map((p) => p.position)).toContain(rows[60].position);
        // Without the stored nodes too, the log no longer gives the newest signed root: nothing is signed over it.
        await sql(`delete from log_tree_nodes`);
        await sql(`update log_checkpoints set frontier = '{"size":740,"nodes":[]}' where size = 740`);
        await admit(5);
        await expect((await integrity()).checkpoint()).rejects.toThrow(/no longer give checkpoint 740's signed root/);
      } finally {
        await store.close();
      }
    });

    it('signs the head first when a proof is asked of an event no checkpoint covers yet', async () => {
      const { store, client } = await openLegacy();
      try {
        const integrity = new LogIntegrity('test', 'test/log', store.chain, await SqlLogCheckpoints.open(client, store.schemaName), { name: 'union-register', ...keys });
        const log = new CheckpointedLog(integrity, () => store.chain.head(), { everyEvents: 1000, everyMs: 3_600_000 });
        await log.checkpointNow();
        await store.append('member-new', [anEvent('MemberAdmitted', { fullName: 'Sùng Thị Mỷ' })], 'no_stream');
        const { position } = await store.chain.head();
        expect((await integrity.inclusionProof(position))?.checkpoint).toBeNull();
        const proof = (await log.proof(position)) as { treeSize: number; leafHash: string; leafIndex: number; proof: string[]; rootHash: string };
        expect(proof.treeSize).toBe(6);
        expect(verifyInclusion(fromHex(proof.leafHash), proof.leafIndex, proof.treeSize, proof.proof.map(fromHex), fromHex(proof.rootHash))).toBe(true);
      } finally {
        await store.close();
      }
    });

    it('switches a log chained in version 1 to version 2 at a recorded event, keeps the hashes before, and proves, exports and verifies the mixed log', async () => {
      const before: { note?: string } = {};
      const { store, sql, client } = await openLegacy(chainedInVersion1(before));
      try {
        const integrity = new LogIntegrity('test', 'test/log', store.chain, await SqlLogCheckpoints.open(client, store.schemaName), { name: 'union-register', ...keys });
        await store.append('branch-10', [anEvent(), anEvent()], 'no_stream');
        await store.append('branch-11', [anEvent()], 'no_stream');
        expect((await integrity.checkpoint())?.size).toBe(10);
        const rows = await store.chain.entries(0, 100);
        expect(rows.map((r) => r.version)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
        expect(JSON.parse(rows[6].entry)[3]).toBe('HashChainUpgraded');
        // The checkpoint signed before the switch still holds: the events before it kept their hashes.
        const verdict = await integrity.verify();
        expect(verdict).toMatchObject({ events: 10, size: 10, problems: [] });
        expect((await integrity.checkpointsMade()).map((c) => c.note)).toEqual([before.note, expect.any(String)]);
        for (const row of [rows[2], rows[8]]) {
          const proof = await integrity.inclusionProof(row.position);
          expect(fromHex(proof?.leafHash as string).equals(leafOf(row.version, fromHex(row.hash as string)))).toBe(true);
          expect(verifyInclusion(fromHex(proof?.leafHash as string), row.seq as number, proof?.treeSize as number, (proof?.proof ?? []).map(fromHex), fromHex(proof?.rootHash as string))).toBe(true);
        }
        const gather = async (from?: number) => {
          const lines: string[] = [];
          for await (const line of integrity.bundle(from)) lines.push(line);
          return lines;
        };
        expect(verifyBundle(await gather())).toMatchObject({ ok: true, size: 10, problems: [] });
        expect(verifyBundle(await gather(rows[8].position))).toMatchObject({ ok: true, problems: [] });
        // An event of the version-2 part edited in the table: named by position and kind.
        await sql(`update events set data = '{"name":"Chi đoàn giả"}' where position = ${rows[8].position}`);
        expect((await integrity.verify()).problems.map((p) => [p.position, p.kind])).toEqual([[rows[8].position, 'edited']]);
      } finally {
        await store.close();
      }
    });
  });
}

hashChainSuite(
  'PostgreSQL',
  () => openPostgresEventStore(servers.postgresUrl, uniqueName('chain')),
  async (before) => {
    const schema = uniqueName('legacy_chain');
    const admin: SqlClient = postgresClient({ connectionString: servers.postgresUrl, max: 1 });
    await admin.exec(legacyLog(schema));
    await before?.(admin, schema);
    const store = await openPostgresEventStore(servers.postgresUrl, schema);
    return { store, client: admin, sql: async (q) => void (await admin.exec(`set search_path = ${schema}; ${q}`)) };
  },
);

hashChainSuite(
  'PGlite',
  () => openPgliteEventStore(),
  async (before) => {
    const store = await openPgliteEventStore();
    const client = (store as unknown as { sql: SqlClient }).sql;
    await client.exec(legacyLog('legacy'));
    await before?.(client, 'legacy');
    const upgraded = await SqlEventStore.open(client, 'legacy');
    return { store: upgraded, client, sql: async (q) => void (await client.exec(`set search_path = legacy; ${q}`)) };
  },
);
