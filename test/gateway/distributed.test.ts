import { connect } from 'node:net';
import { actorHeaders, jose } from '@register/auth';
import { uniqueName } from '../support/servers';
import { Distributed, startDistributed } from './distributed-app';
import { why } from './gateway-app';

/**
 * The distributed gateway on the real servers: organisation, personnel and the gateway as three
 * apps on their own ports, on a fresh PostgreSQL database. The gateway authenticates, authorises
 * against the tree it asks organisation (and personnel, for members) about, and forwards over HTTP
 * with the caller signed into a header; the services trust nothing else.
 */
describe('gateway (distributed): HTTP to the services, the caller signed in', () => {
  const secret = 'test-internal-secret-0123456789';
  let d: Distributed;
  let gw: Distributed['gw'];
  let direct: Distributed['direct'];
  let orgStore: Distributed['orgStore'];
  let personnelStore: Distributed['personnelStore'];
  let token: Distributed['token'];
  let heads: Distributed['heads'];

  beforeAll(async () => {
    d = await startDistributed(secret);
    ({ gw, direct, orgStore, personnelStore, token, heads } = d);
  });

  afterAll(async () => d?.close());

  it('forwards a unit officer\'s write inside their subtree, recording them and the correlation id', async () => {
    const before = await orgStore.headPosition();
    const r = await gw.post('/branches', { parentUnitId: 'xa-1', name: 'Chi đoàn bản Hua Na', ...why() }, { ...(await token({ sub: 'can-bo-qp', roles: ['unit-officer'], scopeUnitId: 'qp' })), 'x-correlation-id': 'corr-dist-1' });
    expect(r.status).toBe(201);
    expect(r.headers.get('x-correlation-id')).toBe('corr-dist-1');
    const [event] = await orgStore.readAll(before, 10);
    expect(event.metadata).toMatchObject({ actor: 'can-bo-qp', correlationId: 'corr-dist-1', reason: 'thử nghiệm' });
  });

  it('refuses a write outside the caller\'s subtree with 403, appending nothing', async () => {
    const before = await heads();
    const r = await gw.post('/branches', { parentUnitId: 'xa-9', name: 'Chi đoàn ngoài', ...why() }, await token({ sub: 'can-bo-qp', roles: ['unit-officer'], scopeUnitId: 'qp' }));
    expect([r.status, r.headers.get('content-type')]).toEqual([403, expect.stringMatching(/^application\/problem\+json/)]);
    const moveOut = await gw.post('/units/xa-1/moves', { toParentId: 'th', ...why() }, await token({ sub: 'can-bo-qp', roles: ['unit-officer'], scopeUnitId: 'qp' }));
    expect(moveOut.status).toBe(403);
    expect(await heads()).toBe(before);
  });

  it('passes the services\' answers through: ETag, If-Match conflicts, validation problems, 404', async () => {
    const admin = await token({ sub: 'admin', roles: ['central-admin'] });
    const got = await gw.get('/branches/b-2', admin);
    expect(got.status).toBe(200);
    const etag = got.headers.get('etag')!;
    expect(etag).toMatch(/^"\d+"$/);
    expect((await gw.post('/branches/b-2/renames', { name: 'Chi đoàn bản Pục Mới', ...why() }, { ...admin, 'if-match': etag })).status).toBe(201);
    expect((await gw.post('/branches/b-2/renames', { name: 'Chi đoàn bản Pục Cũ', ...why() }, { ...admin, 'if-match': etag })).status).toBe(409);
    const bad = await gw.post('/branches', { parentUnitId: 'xa-1', name: 'Chi đoàn X', colour: 'đỏ', ...why() }, admin);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(bad.body.errors)).toContain('colour');
    expect((await gw.get('/branches/khong-co', admin)).status).toBe(404);
    expect((await gw.get('/khong-co-gi', admin)).status).toBe(404);
  });

  it('appends once for one Idempotency-Key sent twice', async () => {
    const admin = { ...(await token({ sub: 'admin', roles: ['central-admin'] })), 'idempotency-key': uniqueName('k') };
    const body = { parentUnitId: 'xa-2', name: 'Chi đoàn bản Đỏn', ...why() };
    const first = await gw.post('/branches', body, admin);
    const before = await orgStore.headPosition();
    const again = await gw.post('/branches', body, admin);
    expect([first.status, again.body.id]).toEqual([201, first.body.id]);
    expect(await orgStore.headPosition()).toBe(before);
  });

  it('checks a member\'s writes where the member\'s branch is now, asking personnel', async () => {
    const admin = await token({ sub: 'admin', roles: ['central-admin'] });
    const admitted = await gw.post('/members', { id: 'm-dist-1', branchId: 'b-1', fullName: 'Lữ Thị Mai', dateOfBirth: '2001-04-30', gender: 'female', admittedOn: '2021-03-26', consent: { givenOn: '2021-03-01', purposes: ['membership-register'] }, ...why() }, admin);
    expect(admitted.status).toBe(201);
    const before = await heads();
    const otherSecretary = await gw.post('/members/m-dist-1/status-changes', { status: 'away-work', ...why() }, await token({ sub: 'bt-b3', roles: ['branch-secretary'], scopeBranchId: 'b-3' }));
    expect(otherSecretary.status).toBe(403);
    expect(await heads()).toBe(before);
    const ownSecretary = await gw.post('/members/m-dist-1/status-changes', { status: 'away-work', ...why() }, await token({ sub: 'bt-b1', roles: ['branch-secretary'], scopeBranchId: 'b-1' }));
    expect(ownSecretary.status).toBe(201);
    const [event] = await personnelStore.readAll(Number(before.split('/')[1]), 10);
    expect(event.metadata.actor).toBe('bt-b1');
  });

  it('reads every service\'s log for auditors', async () => {
    const r = await gw.get('/audit/events?limit=500', await token({ sub: 'kiem-toan', roles: ['auditor'] }));
    expect(r.status).toBe(200);
    const services = new Set((r.body.items as Array<{ service: string }>).map((e) => e.service));
    expect([...services].sort()).toEqual(['organisation', 'personnel']);
    // training and evaluation do not run here: their logs are named as unavailable, the others still answer
    expect(r.body.unavailableLogs).toEqual(['training', 'evaluation']);
    expect(r.headers.get('unavailable-logs')).toBe('training,evaluation');
    const training = await gw.get('/audit/events?service=training', await token({ sub: 'kiem-toan', roles: ['auditor'] }));
    expect(training.status).toBe(503);
  });

  it('leaves the services deaf to anyone but the gateway', async () => {
    const body = { parentUnitId: 'xa-1', name: 'Chi đoàn đi tắt', ...why() };
    expect((await direct.post('/branches', body)).status).toBe(401);
    const forged = actorHeaders('not-the-secret-at-all-000', { id: 'admin', roles: ['central-admin'], via: 'jwt' });
    expect((await direct.post('/branches', body, forged)).status).toBe(401);
    expect((await direct.get('/branches/b-1')).status).toBe(401);
    expect((await direct.get('/branches/b-1', actorHeaders(secret, { id: 'system:gateway', roles: ['auditor'], via: 'api-key' }))).status).toBe(200);
    const health = await fetch(`${process.env.ORGANISATION_URL}/health/live`);
    expect(health.status).toBe(200);
  });

  it('answers hostile reads, raw bytes included, with a 4xx problem+json, never a 5xx', async () => {
    const admin = await token({ sub: 'admin', roles: ['central-admin'] });
    const { port } = new URL(await d.gateway.getUrl());
    const raw = (head: Buffer) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1');
        const chunks: Buffer[] = [];
        socket.on('data', (c) => chunks.push(c)).on('error', reject).on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
        socket.write(head);
      });
    const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
    const get = (path: Array<string | number[]>, extra = '') => bytes('GET ', ...path, ` HTTP/1.1\r\nhost: gw\r\nauthorization: ${admin.authorization}\r\nconnection: close\r\n${extra}\r\n`);
    const requests = [
      get(['/api/v1/branches/', [0xc3, 0x28]]),
      get(['/api/v1/branches/', [0xff, 0xfe], '/lineage']),
      get(['/api/v1/units/', [0xed, 0xa0, 0x80], '/tree']),
      get(['/api/v1/branches/%00']),
      get(['/api/v1/branches/%C3%28']),
      get(['/api/v1/branches/b-1?limit=', [0xe2, 0x82]]),
      get(['/api/v1/branches?cursor=%27%20OR%201%3D1']),
      get(['/api/v1/branches/', 'a'.repeat(8000)]),
      get(['/api/v1/members/', '..%2F..%2Funits']),
      get(['/api/v1/branches/b-1'], 'accept: \xe1\xba\xa1\r\nif-match: "\xff"\r\n'),
      get(['/api/v1/branches/b-1'], `x-correlation-id: ${'\xc3'.repeat(300)}\r\n`),
    ];
    const wrong: string[] = [];
    for (const request of requests) {
      const answer = await raw(request);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
      const problem = /\r\ncontent-type: application\/problem\+json/i.test(answer);
      if (!(status < 500) || (status >= 400 && !problem)) wrong.push(`${request.toString('latin1').split('\r\n')[0].slice(0, 80)} → ${answer.slice(0, 300)}`);
    }
    expect(wrong).toEqual([]);
    // and the connections still serve
    expect((await gw.get('/branches/b-1', admin)).status).toBe(200);
  });

  it('answers 401, never an unscoped read, to a token whose scope or permission claims are malformed (issue 14, hole 3)', async () => {
    const admin = await token({ sub: 'admin', roles: ['central-admin'] });
    const admitted = await gw.post('/members', { id: 'm-claims-d', branchId: 'b-9', fullName: 'Hà Văn Khải', dateOfBirth: '2000-05-10', gender: 'male', admittedOn: '2020-03-26', ...why('kết nạp') }, admin);
    expect(admitted.status).toBe(201);
    const { SignJWT } = await jose();
    const now = Math.floor(Date.now() / 1000);
    const read = async (claims: Record<string, unknown>) => {
      const jwt = await new SignJWT({ sub: 'app', roles: ['system-integrator'], allow: ['member.read'], iss: 'union-register', iat: now, exp: now + 600, ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(d.auth.localSecret!));
      return (await gw.get('/members/m-claims-d', { authorization: `Bearer ${jwt}` })).status;
    };
    expect(await read({ scope_unit: 'qp' })).toBe(403);
    for (const claims of [{ scope_unit: ['qp'] }, { scope_unit: '' }, { scope_unit: 'q'.repeat(101) }, { scope_unit: 7 }, { scope_branch: 3 }, { allow: 'member.read' }, { roles: 'system-integrator' }, { exp: undefined }]) {
      expect([JSON.stringify(claims), await read(claims)]).toEqual([JSON.stringify(claims), 401]);
    }
  });
});
