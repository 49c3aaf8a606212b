import { Clock } from '@register/service-kit';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { Distributed, startDistributed } from './distributed-app';
import { handOver } from './gateway-app';

/**
 * Issue 16, point 1, distributed: the services behind the gateway, their read models on FerretDB,
 * keep a change dated after today pending until its day, and today's answer agrees with `asOf`
 * today. Each service's Clock (its own app here) is held at 2025-06-01 and moved together.
 */
describe('future-dated changes are pending until their day (distributed gateway)', () => {
  let d: Distributed;
  const TODAY = '2025-06-01';
  const setDay = (day: string) => [d.organisation, d.personnel].forEach((app) => app.get(Clock).setTo(day));

  beforeAll(async () => {
    d = await startDistributed('test-internal-secret-0123456789');
    setDay(TODAY);
  });
  afterAll(async () => d?.close());

  const post = async (path: string, body: Record<string, unknown>) => {
    const r = await d.gw.post(path, { reason: 'quyết định', ...body }, d.admin);
    expect(r.status === 201 ? 201 : JSON.stringify(r.body)).toBe(201);
  };
  /** Today's answer (after every write) and the one asOf today: they must agree. */
  const agreed = async (path: string, pick: (body: never) => unknown) => {
    const sep = path.includes('?') ? '&' : '?';
    const head = path.startsWith('/branches/b-') && !path.includes('officers') ? await d.orgStore.headPosition() : await d.personnelStore.headPosition();
    const now = await d.gw.get(`${path}${sep}minPosition=${head}`, d.admin);
    const then = await d.gw.get(`${path}${sep}asOf=${d.personnel.get(Clock).today()}`, d.admin);
    const shown = (r: { status: number; body: unknown }) => (r.status === 200 ? pick(r.body as never) : r.status);
    expect(shown(now)).toEqual(shown(then));
    return shown(now);
  };
  const member = (id: string) => agreed(`/members/${id}`, (m: { branchId: string; status: string }) => `${m.branchId}:${m.status}`);
  const list = (query: string) => agreed(`/members?${query}`, (b: { items: Array<{ id: string; status: string }> }) => b.items.map((m) => `${m.id}:${m.status}`));
  const officers = (branchId: string) => agreed(`/branches/${branchId}/officers`, (b: { items: Array<{ memberId: string; role: string }> }) => b.items.map((p) => `${p.memberId}:${p.role}`));
  const branchName = (id: string) => agreed(`/branches/${id}`, (b: { name: string }) => b.name);

  it('an admission next year, a coming of age and a post next month, a branch renamed next month: pending until their day', async () => {
    await post('/members', { id: 'm-later', branchId: 'b-3', fullName: 'Lò Văn Sau', dateOfBirth: '2000-03-01', gender: 'male', admittedOn: '2026-01-10' });
    await post('/members', { id: 'm-old', branchId: 'b-3', fullName: 'Hà Văn Già', dateOfBirth: '1995-07-01', gender: 'male', admittedOn: '2025-02-01' });
    await post('/members/m-old/status-changes', { status: 'came-of-age', effectiveDate: '2025-07-01' });
    await post('/members', { id: 'm-sec', branchId: 'b-3', fullName: 'Vi Thị Bí', dateOfBirth: '2000-03-01', gender: 'female', admittedOn: '2025-02-01' });
    await post('/branches/b-3/officer-appointments', { memberId: 'm-sec', role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-07-01' });
    await post('/branches/b-3/renames', { name: 'Chi đoàn bản Na Sành Mới', effectiveDate: '2025-07-01' });
    await handOver(d.orgStore, d.personnel.get(OrganisationReactions))();

    expect(await member('m-later')).toBe(404);
    expect(await member('m-old')).toBe('b-3:active');
    expect(await list('branchId=b-3')).toEqual(['m-old:active', 'm-sec:active']);
    expect(await officers('b-3')).toEqual([]);
    expect(await branchName('b-3')).toBe('Chi đoàn bản Na Sành');

    setDay('2025-07-01');
    expect(await member('m-old')).toBe('b-3:came-of-age');
    expect(await officers('b-3')).toEqual(['m-sec:secretary']);
    expect(await branchName('b-3')).toBe('Chi đoàn bản Na Sành Mới');

    setDay('2026-01-10');
    expect(await member('m-later')).toBe('b-3:active');
    expect(await list('branchId=b-3')).toEqual(['m-old:came-of-age', 'm-later:active', 'm-sec:active']);
  });
});
