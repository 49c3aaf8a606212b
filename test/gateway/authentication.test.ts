import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyStore, InvalidCredentials, jose, RateLimiter, rateLimitFromEnv, tokenVerifierFromEnv } from '@register/auth';
import { RegisterConfig } from '@register/service-kit';
import { AuthService } from '../../services/gateway/src/security/auth.service';
import { Gateway, isProblem, seedTree, startGateway, why } from './gateway-app';

/** A token signed with the gateway's local key, with claims exactly as given (none added). */
async function signed(gw: Gateway, claims: Record<string, unknown>) {
  const { SignJWT } = await jose();
  return `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(gw.auth.localSecret!))}`;
}
const now = () => Math.floor(Date.now() / 1000);

describe('gateway: authentication, API keys, rate limits', () => {
  let gw: Gateway;

  beforeAll(async () => {
    gw = await startGateway();
    await seedTree(gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] })));
  });
  afterAll(async () => gw?.close());

  it('answers 401 problem+json without credentials, with bad ones, expired or foreign-signed tokens', async () => {
    const { SignJWT: Sign } = await jose();
    const foreign = await new Sign({ roles: ['central-admin'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer('union-register').setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-another-secret-another'));
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","roles":["central-admin"],"iss":"union-register"}').toString('base64url')}.`;
    const expired = await gw.token({ sub: 'x', roles: ['central-admin'], ttlSeconds: -10 });
    const noRole = await gw.token({ sub: 'x', roles: [] });
    const cases: Record<string, string>[] = [
      {},
      { authorization: 'Bearer' },
      { authorization: 'Basic YWRtaW46YWRtaW4=' },
      { authorization: 'Bearer not.a.jwt' },
      { authorization: `Bearer ${foreign}` },
      { authorization: `Bearer ${unsigned}` },
      { authorization: `Bearer ${expired}` },
      { authorization: `Bearer ${noRole}` },
      { 'x-api-key': 'urk_nothing' },
    ];
    for (const headers of cases) {
      const r = await gw.api(headers).get('/units/tw');
      expect([r.status, isProblem(r)]).toEqual([401, true]);
      expect(r.headers['www-authenticate']).toContain('Bearer');
    }
  });

  it('answers 401, not an unscoped read, to a token whose scope or permission claims are malformed (issue 14, hole 3)', async () => {
    const admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
    await gw.syncPersonnel();
    const admitted = await admin.post('/members', {
      id: 'm-claims-1', branchId: 'b-9', fullName: 'Hà Văn Khải', dateOfBirth: '2000-05-10', gender: 'male', admittedOn: '2020-03-26',
      consent: { givenOn: '2020-03-20', purposes: ['membership-register'] }, ...why('kết nạp'),
    });
    expect(admitted.status).toBe(201);
    const integrator = (claims: Record<string, unknown>) => signed(gw, { sub: 'app', roles: ['system-integrator'], allow: ['member.read'], iss: 'union-register', iat: now(), exp: now() + 600, ...claims });
    const read = async (claims: Record<string, unknown>) => (await gw.api({ authorization: await integrator(claims) }).get('/members/m-claims-1')).status;
    expect(await read({ scope_unit: 'qp' })).toBe(403);
    expect(await read({})).toBe(200);
    const malformed: Record<string, unknown>[] = [
      { scope_unit: ['qp'] }, { scope_unit: '' }, { scope_unit: 'q'.repeat(101) }, { scope_unit: 7 }, { scope_unit: null }, { scope_unit: { id: 'qp' } },
      { scope_unit: "qp' OR 1=1" }, { scope_branch: ['b-1'] }, { scope_branch: '' }, { scope_branch: 3 },
      { allow: 'member.read' }, { allow: ['member.read', 7] }, { allow: ['member.read', ''] },
      { roles: 'system-integrator' }, { roles: ['system-integrator', { admin: true }] }, { role: ['central-admin'] },
    ];
    for (const claims of malformed) expect([JSON.stringify(claims), await read(claims)]).toEqual([JSON.stringify(claims), 401]);
  });

  it('requires exp, caps a token\'s lifetime at 24 h, refuses an iat in the future and an audience it was not given (issue 14, hole 10)', async () => {
    const status = async (claims: Record<string, unknown>) =>
      (await gw.api({ authorization: await signed(gw, { sub: 'x', roles: ['auditor'], iss: 'union-register', ...claims }) }).get('/units/tw')).status;
    const hour = 3600;
    expect(await status({ iat: now(), exp: now() + hour })).toBe(200);
    expect(await status({ exp: now() + hour })).toBe(200);
    expect(await status({ iat: now() + 30, exp: now() + hour })).toBe(200);
    expect(await status({ iat: now() - 23 * hour, exp: now() + hour })).toBe(200);
    const refused: Record<string, unknown>[] = [
      { iat: now() },
      {},
      { iat: now(), exp: Date.UTC(2200, 0, 1) / 1000 },
      { exp: now() + 25 * hour },
      { iat: now() - 24 * hour, exp: now() + hour },
      { iat: now() + 365 * 24 * hour, exp: now() + 365 * 24 * hour + hour },
      { iat: now() + 120, exp: now() + hour },
      { iat: now(), exp: now() + hour, aud: 'another-application' },
      { iat: now(), exp: now() + hour, iss: 'someone-else' },
    ];
    for (const claims of refused) expect([JSON.stringify(claims), await status(claims)]).toEqual([JSON.stringify(claims), 401]);
  });

  it('mints tokens the register accepts, and refuses to mint one it would not', async () => {
    expect((await gw.api(await gw.bearer({ sub: 'x', roles: ['auditor'], ttlSeconds: 24 * 3600 })).get('/units/tw')).status).toBe(200);
    await expect(gw.token({ sub: 'x', roles: ['auditor'], ttlSeconds: 7 * 24 * 3600 })).rejects.toThrow(/REGISTER_TOKEN_MAX_LIFETIME/);
  });

  it('keeps each caller\'s Idempotency-Keys apart, and names no key when one is reused (issue 14, hole 11)', async () => {
    const aliceX = gw.api(await gw.bearer({ sub: 'alice:x', roles: ['central-admin'] }));
    const alice = gw.api(await gw.bearer({ sub: 'alice', roles: ['central-admin'] }));
    const before = await gw.store.headPosition();
    const first = await aliceX.post('/units/xa-1/renames', { name: 'Đoàn xã Tiền Phong Một', reason: 'đổi tên' }, { 'idempotency-key': 'k1' });
    const second = await alice.post('/units/xa-2/renames', { name: 'Đoàn xã Thông Thụ Hai', reason: 'đổi tên' }, { 'idempotency-key': 'x:k1' });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect((await gw.store.readAll(before, 10)).map((e) => [e.metadata.actor, (e.data as { name: string }).name])).toEqual([
      ['alice:x', 'Đoàn xã Tiền Phong Một'],
      ['alice', 'Đoàn xã Thông Thụ Hai'],
    ]);
    const reused = await alice.post('/units/xa-2/renames', { name: 'Đoàn xã Thông Thụ Ba', reason: 'đổi tên' }, { 'idempotency-key': 'x:k1' });
    expect([reused.status, reused.body.rule]).toEqual([422, 'idempotency-key-reused']);
    expect(reused.raw).not.toMatch(/alice|k1/);
    expect(await gw.store.headPosition()).toBe(before + 2);
  });

  it('keeps keyed fingerprints of requests, not plain hashes of their bodies (issue 14, hole 7)', async () => {
    const admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
    const body = { name: 'Đoàn xã Quảng Phú Mới', reason: 'đổi tên' };
    expect((await admin.post('/units/xa-9/renames', body, { 'idempotency-key': 'fp-1' })).status).toBe(201);
    const record = await gw.store.findCommand({ commandId: 'fp-1', caller: 'admin' });
    const plain = createHash('sha256').update(`POST /api/v1/units/xa-9/renames ${JSON.stringify(body)}`).digest('hex');
    expect(record?.fingerprint).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(record?.fingerprint).not.toContain(plain);
    const again = await admin.post('/units/xa-9/renames', body, { 'idempotency-key': 'fp-1' });
    expect(again.status).toBe(201);
    expect(await gw.store.findCommand({ commandId: 'fp-1', caller: 'admin' })).toEqual(record);
  });

  it('refuses an API key whose stored scope is malformed', async () => {
    const file = (gw.auth.apiKeys as unknown as { keys: Map<string, { scopeUnitId?: unknown }> }).keys;
    const { id, key } = gw.auth.apiKeys.create({ name: 'scoped-app', allow: ['member.read'], scopeUnitId: 'qp' });
    expect((await gw.api({ 'x-api-key': key }).get('/units/tw')).status).toBe(200);
    file.get(id)!.scopeUnitId = ['qp'];
    expect((await gw.api({ 'x-api-key': key }).get('/units/tw')).status).toBe(401);
    expect(() => gw.auth.apiKeys.create({ name: 'bad', scopeUnitId: '' })).toThrow(/scope/);
  });

  it('passes correlation ids in and out, and records them on the events', async () => {
    const admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
    const mine = await admin.get('/units/tw', { 'x-correlation-id': 'req-42.a' });
    expect(mine.headers['x-correlation-id']).toBe('req-42.a');
    const fresh = await admin.get('/units/tw', { 'x-correlation-id': 'bad id with spaces' });
    expect(fresh.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    const before = await gw.store.headPosition();
    expect((await admin.post('/units/xa-2/renames', { name: 'Đoàn xã Thông Thụ Mới', reason: 'đổi tên' }, { 'x-correlation-id': 'corr-rename-1' })).status).toBe(201);
    const [event] = await gw.store.readAll(before, 10);
    expect(event.metadata).toMatchObject({ actor: 'admin', correlationId: 'corr-rename-1' });
  });

  it('keeps health public, and the metrics off the API port (METRICS_PORT serves them)', async () => {
    expect((await gw.inject({ method: 'GET', url: '/health/live' })).status).toBe(200);
    expect((await gw.inject({ method: 'GET', url: '/metrics' })).status).toBe(404);
  });

  it('keeps the generated local signing key under DATA_DIR', () => {
    expect(gw.auth.localSecret!.length).toBeGreaterThanOrEqual(32);
  });

  it('accepts API keys, stored hashed, until revoked', async () => {
    const { id, key } = gw.auth.apiKeys.create({ name: 'national-app', roles: ['system-integrator'], allow: ['branch.rename'] });
    const stored = JSON.stringify(gw.auth.apiKeys.list());
    expect(stored).not.toContain(key.split('.')[1]);
    const system = gw.api({ 'x-api-key': key });
    expect((await system.get('/units/tw')).status).toBe(200);
    const before = await gw.head();
    const denied = await system.post('/units', { kind: 'grassroots', name: 'Đoàn xã Mới', parentId: 'qp', reason: 'x' });
    expect([denied.status, isProblem(denied), await gw.head()]).toEqual([403, true, before]);
    const renamed = await system.post('/branches/b-3/renames', { name: 'Chi đoàn bản Na Sành Mới', reason: 'đổi tên' });
    expect(renamed.status).toBe(201);
    const audit = await gw.api(await gw.bearer({ sub: 'kiem-toan', roles: ['auditor'] })).get('/audit/entities/branch/b-3/history');
    expect(audit.body.changes.at(-1)).toMatchObject({ type: 'BranchRenamed', actor: 'system:national-app', reason: 'đổi tên' });
    expect(gw.auth.apiKeys.revoke(id)).toBe(true);
    expect((await system.get('/units/tw')).status).toBe(401);
    const reopened = new ApiKeyStore((gw.auth.apiKeys as unknown as { file: string }).file);
    expect(reopened.verify(key)).toBeUndefined();
    expect(existsSync((gw.auth.apiKeys as unknown as { file: string }).file)).toBe(true);
  });

  it('limits each caller with a token bucket: 429 problem+json with Retry-After', async () => {
    const limiter = gw.app.get(RateLimiter);
    limiter.configure({ ratePerSecond: 1, burst: 3 });
    try {
      const caller = gw.api(await gw.bearer({ sub: 'busy', roles: ['auditor'] }));
      const statuses: number[] = [];
      let limited;
      for (let i = 0; i < 5; i++) {
        const r = await caller.get('/units/tw');
        statuses.push(r.status);
        if (r.status === 429) limited = r;
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(isProblem(limited!)).toBe(true);
      expect(Number(limited!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      const other = gw.api(await gw.bearer({ sub: 'calm', roles: ['auditor'] }));
      expect((await other.get('/units/tw')).status).toBe(200);
    } finally {
      limiter.configure(rateLimitFromEnv());
    }
  });
});

describe('gateway: tokens of an OIDC provider (JWKS)', () => {
  let server: Server;
  let jwksUrl: string;
  let sign: (claims: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    const { generateKeyPair, exportJWK, SignJWT } = await jose();
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    sign = (claims) => new SignJWT({ roles: ['auditor'], ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('nguoi-dung').setIssuedAt().setExpirationTime('1h').sign(privateKey);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('will not start without an issuer and an audience to check (issue 14, hole 10)', () => {
    expect(() => tokenVerifierFromEnv(undefined, { REGISTER_JWKS_URL: jwksUrl })).toThrow(/REGISTER_JWT_ISSUER and REGISTER_JWT_AUDIENCE/);
    expect(() => tokenVerifierFromEnv(undefined, { REGISTER_JWKS_URL: jwksUrl, REGISTER_JWT_ISSUER: 'https://id.example' })).toThrow(/REGISTER_JWT_AUDIENCE/);
    const dataDir = mkdtempSync(join(tmpdir(), 'register-jwks-'));
    const before = { ...process.env };
    Object.assign(process.env, { REGISTER_JWKS_URL: jwksUrl, REGISTER_JWT_ISSUER: '', REGISTER_JWT_AUDIENCE: '' });
    try {
      expect(() => new AuthService({ dataDir } as RegisterConfig)).toThrow(/REGISTER_JWT_ISSUER/);
    } finally {
      for (const name of ['REGISTER_JWKS_URL', 'REGISTER_JWT_ISSUER', 'REGISTER_JWT_AUDIENCE']) {
        if (before[name] === undefined) delete process.env[name];
        else process.env[name] = before[name];
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('accepts the provider\'s tokens for this register only: its issuer, its audience', async () => {
    const verifier = tokenVerifierFromEnv(undefined, { REGISTER_JWKS_URL: jwksUrl, REGISTER_JWT_ISSUER: 'https://id.example', REGISTER_JWT_AUDIENCE: 'union-register-api' });
    expect(await verifier.verify(await sign({ iss: 'https://id.example', aud: 'union-register-api' }))).toMatchObject({ id: 'nguoi-dung', roles: ['auditor'] });
    for (const claims of [{ iss: 'https://id.example', aud: 'another-app' }, { iss: 'https://id.example' }, { iss: 'https://other.example', aud: 'union-register-api' }]) {
      await expect(verifier.verify(await sign(claims))).rejects.toBeInstanceOf(InvalidCredentials);
    }
  });
});
