import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { Distributed, startDistributed } from './distributed-app';
import { handOver } from './gateway-app';

/**
 * A place closed by today acts no more, on the distributed gateway (it learns closures from
 * organisation's views over HTTP): a dissolved commune's officers and a dissolved branch's
 * secretary lose its members left unassigned, the unit above keeps them; a merged commune's
 * officers lose today's roster of it, its successor's reach it; the past stays readable.
 */
describe('places closed by today (distributed gateway)', () => {
  let d: Distributed;
  beforeAll(async () => {
    d = await startDistributed('test-internal-secret-0123456789');
  });
  afterAll(async () => d?.close());

  const post = async (path: string, body: Record<string, unknown>) => {
    const r = await d.gw.post(path, { reason: 'quyết định', ...body }, d.admin);
    expect(r.status === 201 ? 201 : JSON.stringify(r.body)).toBe(201);
  };

  it("a dissolved commune's officer and its branch's secretary lose its unassigned members; the district keeps them; a merged commune's roster of today is its successor's", async () => {
    await post('/units', { id: 'xa-gone', kind: 'grassroots', name: 'Đoàn xã Nậm Ban', parentId: 'qp', effectiveDate: '2025-01-01' });
    await post('/units', { id: 'xa-old', kind: 'grassroots', name: 'Đoàn xã Pa Vây Sử', parentId: 'qp', effectiveDate: '2025-01-01' });
    await post('/branches', { id: 'b-gone', parentUnitId: 'xa-gone', name: 'Chi đoàn bản Nậm Ban', area: { kind: 'village', name: 'Nậm Ban' }, effectiveDate: '2025-01-01' });
    await handOver(d.orgStore, d.personnel.get(OrganisationReactions))();
    await post('/members', { id: 'm-gone', branchId: 'b-gone', fullName: 'Lò Văn Bản', dateOfBirth: '2001-05-01', gender: 'male', admittedOn: '2025-01-15' });
    await post('/branches/b-gone/dissolution', { effectiveDate: '2025-06-30' });
    await post('/units/xa-gone/dissolution', { effectiveDate: '2025-07-01' });
    await post('/unit-mergers', { sourceUnitIds: ['xa-old'], into: { unitId: 'xa-1' }, effectiveDate: '2025-07-01' });
    await handOver(d.orgStore, d.personnel.get(OrganisationReactions))();

    const as = async (o: Parameters<Distributed['token']>[0]) => {
      const headers = await d.token(o);
      return async (method: 'get' | 'post', path: string, body?: unknown) => (method === 'get' ? d.gw.get(path, headers) : d.gw.post(path, body, headers)).then((r) => r.status);
    };
    const gone = await as({ sub: 'xa-gone-officer', roles: ['unit-officer'], scopeUnitId: 'xa-gone' });
    const secretary = await as({ sub: 'b-gone-secretary', roles: ['branch-secretary'], scopeBranchId: 'b-gone' });
    const district = await as({ sub: 'qp-officer', roles: ['unit-officer'], scopeUnitId: 'qp' });
    const old = await as({ sub: 'xa-old-officer', roles: ['unit-officer'], scopeUnitId: 'xa-old' });
    const successor = await as({ sub: 'xa-1-officer', roles: ['unit-officer'], scopeUnitId: 'xa-1' });
    const correction = { phone: '0912345678', reason: 'cập nhật' };

    expect([await gone('get', '/members/m-gone'), await gone('get', '/members?unitId=xa-gone'), await gone('post', '/members/m-gone/personal-data-corrections', correction)]).toEqual([403, 403, 403]);
    expect(await secretary('get', '/members/m-gone')).toBe(403);
    expect([await district('get', '/members/m-gone'), await district('post', '/members/m-gone/personal-data-corrections', correction)]).toEqual([200, 201]);
    expect([await gone('get', '/members?unitId=xa-gone&asOf=2025-03-01'), await gone('get', '/members?unitId=xa-gone&asOf=2025-03-01&knownAt=2025-06-01T00:00:00Z')]).toEqual([403, 404]);
    expect([await gone('get', '/members?unitId=xa-gone&asOf=2025-08-01'), await secretary('get', '/members?branchId=b-gone&asOf=2025-08-01'), await district('get', '/members?unitId=xa-gone&asOf=2025-08-01')]).toEqual([403, 403, 200]);
    expect([await old('get', '/members?unitId=xa-old'), await successor('get', '/members?unitId=xa-old'), await old('get', '/members?unitId=xa-old&asOf=2025-03-01'), await successor('get', '/members?unitId=xa-old&asOf=2025-03-01')]).toEqual([403, 200, 403, 200]);
  });
});
