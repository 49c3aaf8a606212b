import { Client } from 'pg';
import { REGISTER_CONFIG, RegisterConfig } from '@register/service-kit';
import { fromHex, parseVerifierKey, verifyBundle, verifyInclusion } from '@register/verifiable-log';
import { Distributed, startDistributed } from '../gateway/distributed-app';

process.env.LOG_CHECKPOINT_EVERY_EVENTS = '5';
process.env.LOG_CHECKPOINT_EVERY_SECONDS = '1';

/** Runs SQL on the real server, behind the register's back. */
async function sqlOn(d: Distributed, sql: string): Promise<void> {
  const pg = new Client({ connectionString: d.organisation.get<RegisterConfig>(REGISTER_CONFIG, { strict: false }).postgresUrl });
  await pg.connect();
  try {
    await pg.query(sql);
  } finally {
    await pg.end();
  }
}

/**
 * The verifiable log distributed: each service's chain in PostgreSQL, its checkpoints signed with
 * the key derived from the cluster's secret, read by the gateway through the services' internal
 * endpoints; an event's row edited with SQL on the real server is named.
 */
describe('the verifiable log, distributed (PostgreSQL), through the gateway', () => {
  let d: Distributed;
  let auditor: Record<string, string>;
  beforeAll(async () => {
    d = await startDistributed('test-internal-secret-verifiable-01');
    auditor = await d.token({ sub: 'kiem-toan', roles: ['auditor'] });
  });
  afterAll(async () => d?.close());

  it('verifies clean, signs checkpoints with one published key, proves an event and exports a bundle that verifies offline', async () => {
    const verified = await d.gw.post('/audit/verifications', { services: ['organisation', 'personnel'] }, auditor);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true, logs: [{ service: 'organisation', ok: true, events: 11 }, { service: 'personnel', ok: true }] });
    let log: { publicKey: string; checkpoints: Array<{ size: number }> } | undefined;
    for (let i = 0; i < 40 && !(log?.checkpoints.at(-1)?.size === 11); i += 1) {
      await new Promise((done) => setTimeout(done, 250));
      log = (await d.gw.get('/audit/checkpoints?service=organisation', auditor)).body.logs[0];
    }
    expect(log?.checkpoints.at(-1)?.size).toBe(11);
    // Through the services' internal endpoint too: the newest alone, and what lies after a size.
    const newest = (await d.gw.get('/audit/checkpoints?service=organisation&limit=1', auditor)).body.logs[0];
    expect([newest.checkpoints.map((c: { size: number }) => c.size), newest.more]).toEqual([[11], log!.checkpoints.length > 1]);
    expect((await d.gw.get('/audit/checkpoints?service=organisation&afterSize=11', auditor)).body.logs[0]).toMatchObject({ checkpoints: [], more: false });
    expect(parseVerifierKey(log!.publicKey).name).toBe('union-register');
    const events = (await d.gw.get('/audit/events?service=organisation', auditor)).body.items;
    const proof = (await d.gw.get(`/audit/logs/organisation/events/${events[2].position}/proof`, auditor)).body;
    expect(verifyInclusion(fromHex(proof.leafHash), proof.leafIndex, proof.treeSize, proof.proof.map(fromHex), fromHex(proof.rootHash))).toBe(true);
    const bundle = await fetch(`${await d.gateway.getUrl()}/api/v1/audit/exports?service=organisation`.replace('[::1]', '127.0.0.1'), { headers: auditor });
    expect(bundle.status).toBe(200);
    expect(verifyBundle((await bundle.text()).split('\n'), { verifierKey: log!.publicKey })).toMatchObject({ ok: true, size: 11 });
    // a range from past the head: the service's refusal reaches the auditor through the gateway, naming the field
    const past = await d.gw.get('/audit/exports?service=organisation&fromPosition=100000', auditor);
    expect([past.status, past.body.rule, past.body.field, past.body.head]).toEqual([422, 'past-head', 'fromPosition', events.at(-1).position]);
  });

  it('names an event whose row was edited with SQL on the real server', async () => {
    const events = (await d.gw.get('/audit/events?service=organisation', auditor)).body.items;
    const target = events[4].position;
    await sqlOn(d, `update organisation.events set metadata = jsonb_set(metadata, '{reason}', '"sửa lén"') where position = ${target}`);
    const verified = await d.gw.post('/audit/verifications', { services: ['organisation'] }, auditor);
    expect(verified.body.ok).toBe(false);
    expect(verified.body.logs[0].problems).toEqual([expect.objectContaining({ position: target, kind: 'edited' })]);
    // From a checkpoint kept after the edit, the edit is not read again: a later one is named.
    const kept = (await d.gw.get('/audit/checkpoints?service=organisation', auditor)).body.logs[0].checkpoints.at(-1);
    const admin = await d.token({ sub: 'admin', roles: ['central-admin'] });
    const unit = { id: 'xa-10', kind: 'grassroots', name: 'Đoàn xã Châu Kim', parentId: 'qp', reason: 'thành lập', effectiveDate: '2024-01-01' };
    expect((await d.gw.post('/units', unit, admin)).status).toBe(201);
    const fromKept = await d.gw.post('/audit/verifications', { services: ['organisation'], trustedCheckpoints: [kept.note] }, auditor);
    expect(fromKept.body.logs[0]).toMatchObject({ ok: true, events: 1, trustedFrom: { size: kept.size, rootHash: kept.rootHash } });
    const added = (await d.gw.get('/audit/events?service=organisation', auditor)).body.items.at(-1).position;
    await sqlOn(d, `update organisation.events set data = jsonb_set(data, '{name}', '"Đoàn xã Giả"') where position = ${added}`);
    const fromKeptAgain = await d.gw.post('/audit/verifications', { services: ['organisation'], trustedCheckpoints: [kept.note] }, auditor);
    expect(fromKeptAgain.body.logs[0]).toMatchObject({ ok: false, trustedFrom: { size: kept.size }, problems: [expect.objectContaining({ position: added, kind: 'edited' })] });
    const officer = await d.token({ sub: 'can-bo', roles: ['unit-officer'], unitId: 'qp' } as never);
    expect((await d.gw.post('/audit/verifications', {}, officer)).status).toBe(403);
  });
});
