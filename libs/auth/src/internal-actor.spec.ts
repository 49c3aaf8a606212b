import { ACTOR_HEADER, ACTOR_HEADER_LIFETIME_MS, actorFromHeaders, actorHeaders } from './internal-actor';
import { Principal } from './roles';

describe('the signed actor header', () => {
  const secret = 'internal-actor-spec-secret-0123';
  const officer: Principal = { id: 'can-bo-qp', roles: ['unit-officer'], scopeUnitId: 'qp', via: 'jwt' };
  const t0 = Date.parse('2026-12-01T10:00:00Z');

  it('names the principal the gateway signed, until its lifetime has passed', () => {
    const headers = actorHeaders(secret, officer, t0);
    expect(actorFromHeaders(secret, headers, t0 + 1000)).toEqual({ principal: officer, expiresAt: t0 + ACTOR_HEADER_LIFETIME_MS });
    expect(actorFromHeaders(secret, headers, t0 + ACTOR_HEADER_LIFETIME_MS - 1)?.principal).toEqual(officer);
    expect(actorFromHeaders(secret, headers, t0 + ACTOR_HEADER_LIFETIME_MS)).toBeUndefined();
  });

  it('refuses a header signed with another secret, or changed after signing', () => {
    const headers = actorHeaders(secret, officer, t0);
    expect(actorFromHeaders('another-secret-entirely-000', headers, t0)).toBeUndefined();
    const admin = Buffer.from(JSON.stringify({ principal: { ...officer, roles: ['central-admin'] }, exp: t0 + 1e9 })).toString('base64url');
    expect(actorFromHeaders(secret, { ...headers, [ACTOR_HEADER]: admin }, t0)).toBeUndefined();
  });

  it('refuses a header without an expiry, even with a good signature (the format before expiries)', () => {
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const payload = Buffer.from(JSON.stringify(officer)).toString('base64url');
    const signature = createHmac('sha256', secret).update(payload).digest('base64url');
    expect(actorFromHeaders(secret, { [ACTOR_HEADER]: payload, 'x-register-actor-signature': signature }, t0)).toBeUndefined();
  });
});
