import { ApiKeyStore } from './api-keys';
import { parseTtl } from './token-lifetime';
import { authorise, ScopeResolver } from './policy';
import { RateLimiter } from './rate-limit';
import { Principal } from './roles';

const tree: Record<string, string[]> = {
  'unit:qp': ['qp', 'na', 'tw'],
  'unit:xa-1': ['xa-1', 'qp', 'na', 'tw'],
  'unit:xa-9': ['xa-9', 'th', 'tw'],
  'branch:b-1': ['xa-1', 'qp', 'na', 'tw'],
  'branch:b-9': ['xa-9', 'th', 'tw'],
};
const scopes: ScopeResolver = { ancestry: async (t) => tree[`${t.kind}:${t.id}`] };
const officer: Principal = { id: 'o', roles: ['unit-officer'], scopeUnitId: 'qp', via: 'jwt' };

describe('authorise', () => {
  const post = (p: Principal, path: string, body: unknown, params: Record<string, string> = {}) => authorise(p, 'POST', path, { params, body }, scopes);

  it('lets a unit officer act inside the subtree, not on the scope unit itself where that would escape it', async () => {
    expect((await post(officer, '/branches', { parentUnitId: 'xa-1' })).allowed).toBe(true);
    expect((await post(officer, '/branches', { parentUnitId: 'xa-9' })).allowed).toBe(false);
    expect((await post(officer, '/units/:id/moves', { toParentId: 'na' }, { id: 'qp' })).allowed).toBe(false);
    expect((await post(officer, '/units/:id/dissolution', {}, { id: 'qp' })).allowed).toBe(false);
    expect((await post(officer, '/units/:id/renames', {}, { id: 'qp' })).allowed).toBe(true);
    expect((await post(officer, '/units', { kind: 'central' })).allowed).toBe(false);
    expect((await post(officer, '/branch-mergers', { sourceBranchIds: ['b-1', 'b-9'], into: { name: 'x' } })).allowed).toBe(false);
    expect((await post(officer, '/branches', { parentUnitId: 'unknown' })).allowed).toBe(false);
  });

  it('refuses what the table does not list, to central administrators too (deny by default; policy.spec.ts)', async () => {
    expect((await post(officer, '/unknown', {})).allowed).toBe(false);
    expect((await post({ ...officer, roles: ['central-admin'] }, '/unknown', {})).allowed).toBe(false);
    expect((await authorise(officer, 'GET', '/units/:id', { params: {}, body: undefined }, scopes)).allowed).toBe(true);
    expect((await authorise(officer, 'GET', '/audit/events', { params: {}, body: undefined }, scopes)).allowed).toBe(false);
  });

  it('throws on a target that is not an id', async () => {
    await expect(post(officer, '/branches', { parentUnitId: "' OR 1=1" })).rejects.toThrow('parentUnitId');
  });
});

describe('rate limiter', () => {
  it('allows the burst, then asks to wait', () => {
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 2 });
    expect([limiter.take('a', 0), limiter.take('a', 0), limiter.take('a', 0) > 0, limiter.take('b', 0), limiter.take('a', 600)]).toEqual([0, 0, true, 0, 0]);
  });
});

describe('API keys', () => {
  it('verifies, refuses a wrong secret, and revokes', () => {
    const store = new ApiKeyStore();
    const { id, key } = store.create({ name: 'app', allow: ['branch.rename'] });
    expect(store.verify(key)).toMatchObject({ id: 'system:app', roles: ['system-integrator'], via: 'api-key' });
    expect(store.verify(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
    store.revoke(id);
    expect(store.verify(key)).toBeUndefined();
  });
  it('reads TTLs', () => expect([parseTtl('90'), parseTtl('30m'), parseTtl('8h'), parseTtl('7d')]).toEqual([90, 1800, 28800, 604800]));
});
