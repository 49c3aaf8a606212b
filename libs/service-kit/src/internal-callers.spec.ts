import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { ACTOR_HEADER_LIFETIME_MS, actorHeaders } from '@register/auth';
import { InternalCallerGuard } from './internal-callers';

describe('InternalCallerGuard', () => {
  const secret = 'internal-callers-spec-secret-01';
  const envBefore = process.env.REGISTER_INTERNAL_SECRET;
  beforeAll(() => (process.env.REGISTER_INTERNAL_SECRET = secret));
  afterAll(() => (process.env.REGISTER_INTERNAL_SECRET = envBefore));
  afterEach(() => jest.restoreAllMocks());

  const contextOf = (request: object) => ({ getType: () => 'http', switchToHttp: () => ({ getRequest: () => request }) }) as unknown as ExecutionContext;

  it('takes the caller from a signed header, and refuses the same header once it has expired, cached or not', () => {
    const guard = new InternalCallerGuard();
    const t0 = Date.parse('2026-12-01T10:00:00Z');
    const headers = actorHeaders(secret, { id: 'admin', roles: ['central-admin'], via: 'jwt' }, t0);
    jest.spyOn(Date, 'now').mockReturnValue(t0 + 1000);
    const request: { url: string; headers: object; actor?: { id: string } } = { url: '/api/v1/branches/b-1', headers };
    expect(guard.canActivate(contextOf(request))).toBe(true);
    expect(request.actor?.id).toBe('admin');
    jest.spyOn(Date, 'now').mockReturnValue(t0 + ACTOR_HEADER_LIFETIME_MS);
    expect(() => guard.canActivate(contextOf({ url: '/api/v1/branches/b-1', headers }))).toThrow(UnauthorizedException);
    expect(() => new InternalCallerGuard().canActivate(contextOf({ url: '/api/v1/branches/b-1', headers }))).toThrow(UnauthorizedException);
  });
});
