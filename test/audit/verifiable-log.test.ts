import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPglite } from '@register/event-store';
import { API_PREFIX } from '@register/service-kit';
import { fromHex, leafOf, openCheckpoint, parseVerifierKey, signCheckpoint, verifyBundle, verifyInclusion } from '@register/verifiable-log';
import { Gateway, startGateway, seedTree } from '../gateway/gateway-app';

process.env.LOG_CHECKPOINT_EVERY_EVENTS = '5';
process.env.LOG_CHECKPOINT_EVERY_SECONDS = '1';

const MEMBER = (id: string) => ({ id, branchId: 'b-1', fullName: `Vi Thị Hoa ${id}`, dateOfBirth: '2001-02-03', gender: 'female', admittedOn: '2022-03-26', reason: 'kết nạp', effectiveDate: '2022-03-26' });

async function start(dataDir: string) {
  const gw = await startGateway({ dataDir });
  return { gw, admin: gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] })), auditor: gw.api(await gw.bearer({ sub: 'kiem-toan', roles: ['auditor'] })) };
}

/** Waits until every log has a checkpoint covering its head (the checkpointer ticks each second). */
async function checkpointed(auditor: ReturnType<Gateway['api']>, service: string, size: number) {
  for (let i = 0; i < 40; i += 1) {
    const r = await auditor.get(`/audit/checkpoints?service=${service}`);
    const last = r.body.logs[0].checkpoints.at(-1);
    if (last && last.size >= size) return r.body.logs[0];
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`no checkpoint of ${service} reached ${size}`);
}

describe('the verifiable log, embedded (PGlite), through the gateway', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'register-verifiable-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('verifies clean, publishes signed checkpoints, proves an event, exports a bundle the offline verifier accepts, also after a shredding', async () => {
    const { gw, admin, auditor } = await start(dataDir);
    try {
      await seedTree(admin);
      await gw.syncPersonnel();
      for (const id of ['m-1', 'm-2', 'm-3']) expect((await admin.post('/members', MEMBER(id))).status).toBe(201);
      expect((await admin.post('/members/m-2/personal-data-erasure', { reason: 'xóa theo yêu cầu' })).status).toBe(201);

      const verified = await auditor.post('/audit/verifications', {});
      expect(verified.status).toBe(200);
      expect(verified.body.ok).toBe(true);
      const personnel = verified.body.logs.find((l: { service: string }) => l.service === 'personnel');
      expect(personnel).toMatchObject({ ok: true, events: 4, size: 4, problems: [] });
      // What the contract names, and nothing of the verifier's workings (a Buffer leaked here once).
      expect(Object.keys(personnel).sort()).toEqual(['events', 'headPosition', 'ok', 'problems', 'rootHash', 'service', 'size']);

      const log = await checkpointed(auditor, 'personnel', 4);
      const key = parseVerifierKey(log.publicKey);
      const newest = log.checkpoints.at(-1);
      expect(openCheckpoint(newest.note, key.name, key.publicKey)).toMatchObject({ ok: true, checkpoint: { size: 4, origin: 'union-register/personnel' } });
      expect(newest.signature).toMatch(/^[A-Za-z0-9+/=]{80,}$/);

      const events = (await auditor.get('/audit/events?service=personnel')).body.items;
      const proof = await auditor.get(`/audit/logs/personnel/events/${events[1].position}/proof`);
      expect(proof.status).toBe(200);
      expect(verifyInclusion(fromHex(proof.body.leafHash), proof.body.leafIndex, proof.body.treeSize, proof.body.proof.map(fromHex), fromHex(proof.body.rootHash))).toBe(true);
      // A new log is in chain version 2, where the event's hash is its leaf hash (docs/verifiable-log.md).
      expect(proof.body.chainVersion).toBe(2);
      expect(leafOf(proof.body.chainVersion, fromHex(proof.body.eventHash)).equals(fromHex(proof.body.leafHash))).toBe(true);
      expect((await auditor.get('/audit/logs/personnel/events/999999/proof')).status).toBe(404);

      const exported = await auditor.get('/audit/exports?service=personnel');
      expect(exported.status).toBe(200);
      expect(String(exported.headers['content-type'])).toContain('application/x-ndjson');
      const bundle = exported.raw.split('\n');
      expect(verifyBundle(bundle, { verifierKey: log.publicKey })).toMatchObject({ ok: true, size: 4, problems: [] });
      expect(exported.raw).not.toContain('Vi Thị Hoa');

      // From a checkpoint the auditor kept: only the events after it are read.
      expect((await admin.post('/members', MEMBER('m-4'))).status).toBe(201);
      const fromKept = await auditor.post('/audit/verifications', { services: ['personnel'], trustedCheckpoints: [newest.note] });
      expect(fromKept.body).toMatchObject({ ok: true, logs: [{ service: 'personnel', ok: true, events: 1, size: 5, trustedFrom: { size: 4, rootHash: newest.rootHash } }] });
      // From a checkpoint at the head: no event to read, and the head is still the log's (it said 0; found by a black-box probe).
      const atHead = (await checkpointed(auditor, 'personnel', 5)).checkpoints.at(-1);
      const fromHead = await auditor.post('/audit/verifications', { services: ['personnel'], trustedCheckpoints: [atHead.note] });
      expect(fromHead.body.logs[0]).toMatchObject({ ok: true, events: 0, size: 5, headPosition: fromKept.body.logs[0].headPosition });
      expect(fromKept.body.logs[0].headPosition).toBeGreaterThan(0);
      const foreign = generateKeyPairSync('ed25519');
      const [origin, size, root] = newest.note.split('\n');
      const forged = signCheckpoint({ origin, size: Number(size), root: Buffer.from(root, 'base64') }, 'union-register', foreign.privateKey, foreign.publicKey);
      const fromForged = await auditor.post('/audit/verifications', { services: ['personnel'], trustedCheckpoints: [forged] });
      expect(fromForged.body.logs[0]).toMatchObject({ ok: false, events: 5, problems: [expect.objectContaining({ kind: 'checkpoint-signature', detail: expect.stringContaining('the trusted checkpoint') })] });
      expect(fromForged.body.logs[0].trustedFrom).toBeUndefined();
      const refusal = async (body: object) => {
        const r = await auditor.post('/audit/verifications', body);
        return [r.status, r.body.field ?? r.body.errors?.[0]?.field, r.body.rule ?? r.body.errors?.[0]?.rule];
      };
      expect(await refusal({ trustedCheckpoints: ['union-register/nowhere\n4\nAAAA\n\n— x'] })).toEqual([422, 'trustedCheckpoints[0]', 'unknown-log']);
      expect(await refusal({ trustedCheckpoints: [newest.note, newest.note] })).toEqual([422, 'trustedCheckpoints[1]', 'one-per-log']);
      expect(await refusal({ services: ['organisation'], trustedCheckpoints: [newest.note] })).toEqual([422, 'trustedCheckpoints[0]', 'log-not-verified']);
      expect(await refusal({ trustedCheckpoints: [4] })).toEqual([400, 'trustedCheckpoints', expect.any(String)]);

      // The checkpoints in pages: the newest by default, or those after a size, oldest first.
      const all = (await checkpointed(auditor, 'personnel', 5)).checkpoints.map((c: { size: number }) => c.size);
      expect(all.length).toBeGreaterThanOrEqual(2);
      const page = async (query: string) => {
        const log = (await auditor.get(`/audit/checkpoints?service=personnel&${query}`)).body.logs[0];
        return [log.checkpoints.map((c: { size: number }) => c.size), log.more];
      };
      expect(await page('limit=1')).toEqual([[all.at(-1)], true]);
      expect(await page('afterSize=0&limit=1')).toEqual([[all[0]], true]);
      expect(await page(`afterSize=${all[0]}`)).toEqual([all.slice(1), false]);
      expect(await page(`afterSize=${all.at(-1)}`)).toEqual([[], false]);
      expect((await auditor.get('/audit/checkpoints?limit=1001')).status).toBe(400);
    } finally {
      await gw.close();
    }
  });

  it('names an event edited in the PGlite data folder between two starts, by position and kind', async () => {
    const before = await start(dataDir);
    const events = (await before.auditor.get('/audit/events?service=organisation')).body.items;
    await before.gw.close();
    const target = events[3].position;
    const db = await createPglite(join(dataDir, 'event-log'));
    await db.exec(`update organisation.events set data = jsonb_set(data, '{name}', '"Chi đoàn giả"') where position = ${target}`);
    await db.close();
    const after = await start(dataDir);
    try {
      const verified = await after.auditor.post('/audit/verifications', { services: ['organisation'] });
      expect(verified.body.ok).toBe(false);
      expect(verified.body.logs[0].problems).toEqual([expect.objectContaining({ position: target, kind: 'edited' })]);
      expect((await after.admin.post('/audit/verifications', {})).status).toBe(200);
      const officer = after.gw.api(await after.gw.bearer({ sub: 'can-bo', roles: ['unit-officer'], unitId: 'qp' } as never));
      expect((await officer.post('/audit/verifications', {})).status).toBe(403);
      expect((await after.auditor.post('/audit/verifications', { services: ['nowhere'] })).status).toBe(400);
      // the verification takes no required input: an empty POST runs as {} does
      const url = `/${API_PREFIX}/audit/verifications`;
      const headers = await after.gw.bearer({ sub: 'kiem-toan', roles: ['auditor'] });
      const bare = await after.gw.inject({ method: 'POST', url, headers });
      expect([bare.status, bare.body.logs?.map((l: { service: string }) => l.service)]).toEqual([200, expect.arrayContaining(['organisation', 'personnel'])]);
      expect((await after.gw.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload: '' })).status).toBe(200);
      // a command that needs a body still refuses an empty one, naming it
      const adminHeaders = await after.gw.bearer({ sub: 'admin', roles: ['central-admin'] });
      const noMember = await after.gw.inject({ method: 'POST', url: `/${API_PREFIX}/members`, headers: { ...adminHeaders, 'content-type': 'application/json' }, payload: '' });
      expect([noMember.status, noMember.body.errors]).toEqual([400, [expect.objectContaining({ field: '(body)', rule: 'object' })]]);
      // an export's range runs forwards
      const backwards = await after.auditor.get('/audit/exports?service=personnel&fromPosition=12&toPosition=10');
      expect([backwards.status, backwards.body.errors]).toEqual([400, [expect.objectContaining({ field: 'toPosition', rule: 'from-after-to' })]]);
      // a range from past the head would hold no event: refused, naming the head (a probe read a header whose range ran backwards)
      const past = await after.auditor.get('/audit/exports?service=personnel&fromPosition=100000');
      expect([past.status, past.body.rule, past.body.field, past.body.head]).toEqual([422, 'past-head', 'fromPosition', expect.any(Number)]);
      expect(past.body.detail).toContain(`newest event is at position ${past.body.head}`);
      expect((await after.auditor.get(`/audit/exports?service=personnel&fromPosition=${past.body.head}`)).status).toBe(200);
      // so is a range ending before the first event (positions start at 1): a probe's answered 200 with no event
      const none = await after.auditor.get('/audit/exports?service=personnel&toPosition=0');
      expect([none.status, none.body.rule, none.body.field]).toEqual([422, 'empty-range', 'toPosition']);
      // a position is decimal digits: 1e3 or 0x10 is refused, naming the field, not read as 1000 or 16
      for (const [query, field] of [['fromPosition=1e3', 'fromPosition'], ['toPosition=0x10', 'toPosition'], ['fromPosition=2.0', 'fromPosition']]) {
        const odd = await after.auditor.get(`/audit/exports?service=personnel&${query}`);
        expect([query, odd.status, odd.body.errors?.map((e: { field: string }) => e.field)]).toEqual([query, 400, [field]]);
      }
      const oddWait = await after.gw.inject({ method: 'GET', url: `/${API_PREFIX}/members?minPosition=1e3`, headers: adminHeaders });
      expect([oddWait.status, oddWait.body.errors?.[0]?.field]).toEqual([400, 'minPosition']);
    } finally {
      await after.gw.close();
    }
  });

  it('answers 409 log-damaged, not a proof that does not hold, for an event past a row deleted between two starts', async () => {
    const before = await start(dataDir);
    const events = (await before.auditor.get('/audit/events?service=organisation')).body.items;
    // A row at an even leaf index is deleted and the event after it proved: its proof needs the deleted leaf, its sibling,
    // whatever checkpoints were signed. (Event 6 was proved before, row 4 deleted: when a checkpoint happened to be signed
    // at event 6's size, its proof came from that checkpoint's own compact range, without the deleted row, and held: a
    // 200 that CI's run found.)
    const leafIndex = async (e: { position: number }) => (await before.auditor.get(`/audit/logs/organisation/events/${e.position}/proof`)).body.leafIndex;
    const gone = (await leafIndex(events[4])) % 2 === 0 ? 4 : 5;
    const proved = await before.auditor.get(`/audit/logs/organisation/events/${events[gone + 1].position}/proof`);
    expect([proved.status, proved.body.checkpoint === null, proved.body.leafIndex % 2]).toEqual([200, false, 1]);
    await before.gw.close();
    const db = await createPglite(join(dataDir, 'event-log'));
    await db.exec(`delete from organisation.events where position = ${events[gone].position}`);
    await db.close();
    const after = await start(dataDir);
    try {
      const proof = await after.auditor.get(`/audit/logs/organisation/events/${events[gone + 1].position}/proof`);
      expect([proof.status, proof.body.rule]).toEqual([409, 'log-damaged']);
      expect(proof.body.detail).toContain('POST /audit/verifications');
      const verified = await after.auditor.post('/audit/verifications', { services: ['organisation'] });
      expect(verified.body.logs[0].problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'deleted' })]));
    } finally {
      await after.gw.close();
    }
  });
});

describe('the offline verifier refuses adversarial bundles', () => {
  let honest: string[];
  let part: string[];
  let range: string[];
  let late: string[];
  let otherLogNote: string;
  let publicKey: string;
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'register-bundle-'));
    const { gw, admin, auditor } = await start(dataDir);
    try {
      await seedTree(admin);
      await checkpointed(auditor, 'organisation', 11);
      for (const id of ['xa-3', 'xa-4', 'xa-5']) await admin.post('/units', { id, kind: 'grassroots', name: `Đoàn xã ${id}`, parentId: 'qp', reason: 'thành lập', effectiveDate: '2025-01-01' });
      const log = await checkpointed(auditor, 'organisation', 14);
      publicKey = log.publicKey;
      honest = (await auditor.get('/audit/exports?service=organisation')).raw.split('\n').filter(Boolean);
      part = (await auditor.get('/audit/exports?service=organisation&fromPosition=6')).raw.split('\n').filter(Boolean);
      range = (await auditor.get('/audit/exports?service=organisation&fromPosition=6&toPosition=8')).raw.split('\n').filter(Boolean);
      late = (await auditor.get('/audit/exports?service=organisation&fromPosition=13')).raw.split('\n').filter(Boolean);
      await gw.syncPersonnel();
      expect((await admin.post('/members', MEMBER('m-9'))).status).toBe(201);
      otherLogNote = (await checkpointed(auditor, 'personnel', 1)).checkpoints.at(-1).note;
    } finally {
      await gw.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  const lines = (type: string) => honest.map((l) => JSON.parse(l)).filter((i) => i.type === type);
  const kindsOf = (bundle: string[], trust = {}) => verifyBundle(bundle, { verifierKey: publicKey, ...trust }).problems.map((p) => p.kind);

  it('accepts the honest export, with its checkpoints and the proofs between them, and a part of it from a later position', () => {
    expect(lines('checkpoint').length).toBeGreaterThanOrEqual(2);
    expect(lines('consistency').length).toBe(lines('checkpoint').length - 1);
    expect(verifyBundle(honest, { verifierKey: publicKey })).toMatchObject({ ok: true, key: 'trusted' });
    expect(verifyBundle(part, { verifierKey: publicKey })).toMatchObject({ ok: true, problems: [] });
    expect(part.map((l) => JSON.parse(l).type).slice(0, 2)).toEqual(['log', 'prefix']);
    const forged = part.map((l) => (JSON.parse(l).type === 'prefix' ? l.replace(/"nodes":\["(.)/, (_, c: string) => `"nodes":["${c === '0' ? '1' : '0'}`) : l));
    expect(verifyBundle(forged, { verifierKey: publicKey }).problems.map((p) => p.kind)).toContain('checkpoint-not-extending');
  });

  it('ties a range that ends between two checkpoints to the signed one after it, and refuses what nothing signed covers', () => {
    // Given a range export of positions 6 to 8: no checkpoint of the log falls inside it
    const items = range.map((l) => JSON.parse(l));
    expect(items.filter((i) => i.type === 'event').map((i) => i.position)).toEqual([6, 7, 8]);
    expect(items.filter((i) => i.type === 'checkpoint')).toEqual([]);
    // Then it carries the checkpoint after it with the proof that its last event is in it, and verifies
    expect(items.find((i) => i.type === 'covering')).toMatchObject({ leafIndex: 7, proof: expect.any(Array) });
    expect(verifyBundle(range, { verifierKey: publicKey })).toMatchObject({ ok: true, problems: [] });
    // Its prefix (the compact range before it) is held to that signed root too: one node changed is a forged root (found by a black-box probe)
    const forgedPrefix = range.map((l) => (JSON.parse(l).type === 'prefix' ? l.replace(/"nodes":\["(.)/, (_, c: string) => `"nodes":["${c === '0' ? '1' : '0'}`) : l));
    expect(forgedPrefix).not.toEqual(range);
    expect(kindsOf(forgedPrefix)).toEqual(['checkpoint-not-extending']);
    // A range rewritten and rechained honestly, with the same proof: the proof fails
    const { chainHash, toHex } = jest.requireActual('@register/verifiable-log');
    const [first] = items.filter((i) => i.type === 'event');
    let prev = fromHex(first.prevHash);
    const rechained = items.map((i) => {
      if (i.type !== 'event') return JSON.stringify(i);
      const entry = i.entry.replace(/"UnitEstablished"|"BranchEstablished"/, '"UnitRenamed"');
      const hash = chainHash(i.version ?? 1, prev, entry);
      const row = { ...i, entry, prevHash: toHex(prev), hash: toHex(hash) };
      prev = hash;
      return JSON.stringify(row);
    });
    // (its seal names the last event's other hash too)
    expect(kindsOf(rechained)).toEqual(['edited', 'bad-proof']);
    // Without the covering checkpoint, or with no event at all (and no seal), nothing signed covers the bundle
    expect(kindsOf(rechained.filter((l) => JSON.parse(l).type !== 'covering'))).toEqual(['edited', 'unsigned']);
    expect(kindsOf([range[0]])).toEqual(['unsigned', 'unsigned']);
    // Cut back to its first event, its header left as it was: the seal signs three events, the last at 8
    const cut = range.filter((l) => !['covering'].includes(JSON.parse(l).type) && !/"position":[78],/.test(l));
    expect(verifyBundle(cut, { verifierKey: publicKey }).problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'deleted', position: 6, detail: expect.stringContaining('the seal signs 3 events, the last at position 8; the bundle holds 1, the last at 6') })]));
  });

  it('refuses a wrong sibling hash in a proof', () => {
    const bundle = honest.map((l) => {
      const item = JSON.parse(l);
      if (item.type !== 'consistency') return l;
      item.proof[0] = item.proof[0].replace(/^./, (c: string) => (c === 'a' ? 'b' : 'a'));
      return JSON.stringify(item);
    });
    expect(kindsOf(bundle)).toContain('bad-proof');
  });

  it('refuses a truncated log presented as complete', () => {
    const events = honest.filter((l) => JSON.parse(l).type === 'event');
    const cut = honest.filter((l) => l !== events[events.length - 1] && l !== events[events.length - 2]);
    expect(kindsOf(cut)).toContain('gap');
  });

  it('refuses a checkpoint from another key', () => {
    const other = generateKeyPairSync('ed25519');
    const bundle = honest.map((l) => {
      const item = JSON.parse(l);
      if (item.type !== 'checkpoint') return l;
      const [origin, size, root] = item.note.split('\n');
      return JSON.stringify({ type: 'checkpoint', note: signCheckpoint({ origin, size: Number(size), root: Buffer.from(root, 'base64') }, 'union-register', other.privateKey, other.publicKey) });
    });
    expect(kindsOf(bundle)).toContain('checkpoint-signature');
    // The bundle's own key swapped for the other one is not the published key either.
    const header = JSON.parse(bundle[0]);
    expect(kindsOf(bundle, {})).toContain('checkpoint-signature');
    expect(header.type).toBe('log');
  });

  it('refuses a forked history that shares a prefix, against the bundle\'s checkpoints and against a checkpoint kept from before', () => {
    const events = lines('event');
    const forkAt = events.length - 3;
    // The fork rewrites the tail and rechains it honestly, in each event's chain version: every hash checks, the roots do not.
    const { chainHash, toHex } = jest.requireActual('@register/verifiable-log');
    let prev = fromHex(events[forkAt - 1].hash);
    const forked = events.map((e, i) => {
      if (i < forkAt) return e;
      const entry = e.entry.replace(/"BranchEstablished"|"UnitEstablished"/, '"UnitRenamed"');
      const hash = chainHash(e.version ?? 1, prev, entry);
      const row = { ...e, entry, prevHash: toHex(prev), hash: toHex(hash) };
      prev = hash;
      return row;
    });
    const bundle = [honest[0], ...forked.map((e) => JSON.stringify(e)), ...honest.filter((l) => ['checkpoint', 'consistency'].includes(JSON.parse(l).type))];
    expect(kindsOf(bundle)).toContain('checkpoint-not-extending');
    const kept = lines('checkpoint').at(-1).note;
    // Stripped of its checkpoints, the fork chains clean but nothing signed covers it: not verified.
    const alone = [honest[0], ...forked.map((e) => JSON.stringify(e))];
    expect(kindsOf(alone)).toEqual(['unsigned', 'unsigned']);
    expect(kindsOf(alone, { checkpoint: kept })).toEqual(['unsigned', 'checkpoint-not-extending', 'unsigned']);
  });

  it("names a trusted checkpoint of another log a checkpoint-signature problem, as the server does, and one before the bundle's start says so (found by a black-box probe)", () => {
    const problems = (bundle: string[], checkpoint: string) => verifyBundle(bundle, { verifierKey: publicKey, checkpoint }).problems.map((p) => [p.kind, p.detail]);
    expect(problems(honest, otherLogNote)).toEqual([['checkpoint-signature', expect.stringContaining('signed for another log (union-register/personnel)')]]);
    const eleven = lines('checkpoint').find((c) => c.note.split('\n')[1] === '11').note;
    expect(problems(late, eleven)).toEqual([['gap', expect.stringContaining('the bundle starts after the trusted checkpoint')]]);
    expect(verifyBundle(late, { verifierKey: publicKey })).toMatchObject({ ok: true });
  });
});
