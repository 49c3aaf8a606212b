import { request } from 'node:http';
import { Logger } from '@nestjs/common';
import { RateLimiter, rateLimitFromEnv } from '@register/auth';
import { Distributed, startDistributed } from './distributed-app';
import { why } from './gateway-app';

/** One request as sent, byte for byte (fetch would resolve `..` in the path before sending). */
function raw(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const problem = /^application\/problem\+json/;

/**
 * The distributed gateway forwards through a plain Fastify route (proxy/forwarding-route.ts), outside
 * Nest's guard and filter: it must answer refusals exactly as they do, and sign the caller it admitted.
 */
describe('gateway (distributed): the forwarding route refuses and signs as the guard does', () => {
  let d: Distributed;
  let base: string;

  beforeAll(async () => {
    d = await startDistributed('test-internal-secret-forwarding-01');
    base = (await d.gateway.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => d?.close());

  it('answers 401 problem+json with the challenge and a correlation id, before telling whether a path exists', async () => {
    for (const path of ['/branches/b-1', '/khong-co-gi']) {
      const r = await d.gw.get(path, { authorization: 'Bearer not.a.token' });
      expect([r.status, r.headers.get('content-type'), r.headers.get('www-authenticate')]).toEqual([401, expect.stringMatching(problem), 'Bearer realm="union-register"']);
      expect(r.headers.get('x-correlation-id')).toBeTruthy();
      expect(r.body).toMatchObject({ status: 401, type: '/api/v1/problems/unauthorized' });
    }
    expect((await d.gw.get('/branches/b-1')).status).toBe(401);
  });

  it('answers 403 problem+json for a member read outside the caller\'s branch, also through `..` in the path', async () => {
    const admin = await d.token({ sub: 'admin', roles: ['central-admin'] });
    const admitted = await d.gw.post('/members', { id: 'm-fwd-1', branchId: 'b-1', fullName: 'Vi Văn Thắng', dateOfBirth: '2000-02-03', gender: 'male', admittedOn: '2020-03-26', consent: { givenOn: '2020-03-01', purposes: ['membership-register'] }, ...why() }, admin);
    expect(admitted.status).toBe(201);
    const other = await d.token({ sub: 'bt-b3', roles: ['branch-secretary'], scopeBranchId: 'b-3' });
    const r = await d.gw.get('/members/m-fwd-1', other);
    expect([r.status, r.headers.get('content-type'), r.body.status]).toEqual([403, expect.stringMatching(problem), 403]);
    // Authorised as the path it is sent as: no route of the table, yet never answered as /members/{id}.
    const sneaked = await raw(base, 'GET', '/api/v1/members/../members/m-fwd-1', other);
    expect(sneaked.status).not.toBe(200);
    expect(sneaked.body).not.toContain('Vi Văn Thắng');
    expect((await d.gw.get('/members/m-fwd-1', await d.token({ sub: 'bt-b1', roles: ['branch-secretary'], scopeBranchId: 'b-1' }))).status).toBe(200);
  });

  it('answers 429 problem+json with Retry-After once a caller spends its burst', async () => {
    const limiter = d.gateway.get(RateLimiter);
    limiter.configure({ ratePerSecond: 0.001, burst: 2 });
    try {
      const caller = await d.token({ sub: 'voi-vang', roles: ['auditor'] });
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await d.gw.get('/branches/b-1', caller));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
      expect([answers[2].headers.get('content-type'), Number(answers[2].headers.get('retry-after'))]).toEqual([expect.stringMatching(problem), expect.any(Number)]);
      expect(Number(answers[2].headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      limiter.configure(rateLimitFromEnv());
    }
  });

  it('answers a body that is not JSON with 400 problem+json, appending nothing', async () => {
    const before = await d.heads();
    const admin = await d.token({ sub: 'admin', roles: ['central-admin'] });
    const r = await raw(base, 'POST', '/api/v1/branches', { ...admin, 'content-type': 'application/json' }, '{"parentUnitId": "xa-1",');
    expect([r.status, r.headers['content-type']]).toEqual([400, expect.stringMatching(problem)]);
    expect(await d.heads()).toBe(before);
  });

  it('forwards the caller it admitted, signed, and logs a system key\'s read of personal data', async () => {
    const { key, id } = d.auth.apiKeys.create({ name: 'cong-dich-vu', allow: ['member.read'] });
    const log = jest.spyOn(Logger.prototype, 'log');
    try {
      const r = await d.gw.get('/members/m-fwd-1', { 'x-api-key': key, 'x-correlation-id': 'corr-fwd-read' });
      expect([r.status, r.body.id, r.headers.get('x-correlation-id')]).toEqual([200, 'm-fwd-1', 'corr-fwd-read']);
      const logged = log.mock.calls.map(([m]) => String(m)).find((m) => m.includes('personal-data-read'));
      expect(JSON.parse(logged!)).toEqual({ event: 'personal-data-read', key: id, actor: 'system:cong-dich-vu', url: '/api/v1/members/m-fwd-1' });
    } finally {
      log.mockRestore();
    }
    const before = await d.orgStore.headPosition();
    const renamed = await d.gw.post('/branches/b-2/renames', { name: 'Chi đoàn bản Pục Trên', ...why() }, await d.token({ sub: 'can-bo-xa-1', roles: ['unit-officer'], scopeUnitId: 'xa-1' }));
    expect(renamed.status).toBe(201);
    const [event] = await d.orgStore.readAll(before, 10);
    expect(event.metadata.actor).toBe('can-bo-xa-1');
  });
});
