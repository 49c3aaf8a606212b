import { Clock } from '@register/service-kit';
import { Gateway, startSeeded } from '../gateway/gateway-app';

/**
 * Issue 16, point 1, on organisation: a branch established, renamed, moved or merged with an
 * effective date after today is pending until its day. Today's GET and the GET `asOf` today agree
 * (one branch, the directory, a unit's tree, the lineage), and the change shows on its day. "Today"
 * is the application's Clock, held at 2025-06-01 and moved; the seeded tree dates from 2025-01-01.
 */
describe('future-dated changes are pending until their day (organisation, embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  let clock: Clock;
  const TODAY = '2025-06-01';

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    clock = gw.app.get(Clock);
    clock.setTo(TODAY);
  });

  afterEach(() => clock.setTo(TODAY));

  afterAll(async () => {
    await gw?.close();
  });

  const created = (r: { status: number; raw: string }) => expect(r.status === 201 ? 201 : r.raw).toBe(201);
  const why = (effectiveDate: string) => ({ reason: 'quyết định', effectiveDate });
  /** GET path today and asOf today must agree; the answer today. */
  const agreed = async (path: string) => {
    const sep = path.includes('?') ? '&' : '?';
    const now = await admin.get(`${path}${sep}minPosition=${await gw.store.headPosition()}`);
    const then = await admin.get(`${path}${sep}asOf=${clock.today()}`);
    const shape = (r: { status: number; body: Record<string, unknown> }) => (r.status === 200 ? { ...r.body, version: undefined, asOf: undefined } : r.status);
    expect(shape(now)).toEqual(shape(then));
    return now;
  };
  const branch = async (id: string) => {
    const r = await agreed(`/branches/${id}`);
    return r.status === 200 ? { name: r.body.name, parentUnitId: r.body.parentUnitId, status: r.body.status } : r.status;
  };
  const directory = async (parentUnitId: string) => (await agreed(`/branches?parentUnitId=${parentUnitId}`)).body.items.map((b: { id: string; name: string }) => `${b.id}:${b.name}`);
  const tree = async (unitId: string) => {
    const t = (await agreed(`/units/${unitId}/tree`)).body;
    return { branches: t.counts.branches, names: t.branches.map((b: { name: string }) => b.name) };
  };

  it('a branch established next year: unknown today and asOf today, in the directory and the tree from its day', async () => {
    created(await admin.post('/branches', { id: 'b-new', parentUnitId: 'xa-2', name: 'Chi đoàn bản Mới', ...why('2026-01-01') }));
    expect(await branch('b-new')).toBe(404);
    expect(await directory('xa-2')).toEqual(['b-3:Chi đoàn bản Na Sành']);
    expect(await tree('xa-2')).toEqual({ branches: 1, names: ['Chi đoàn bản Na Sành'] });
    clock.setTo('2026-01-01');
    expect(await branch('b-new')).toEqual({ name: 'Chi đoàn bản Mới', parentUnitId: 'xa-2', status: 'active' });
    expect(await directory('xa-2')).toEqual(['b-new:Chi đoàn bản Mới', 'b-3:Chi đoàn bản Na Sành']);
    expect(await tree('xa-2')).toEqual({ branches: 2, names: ['Chi đoàn bản Mới', 'Chi đoàn bản Na Sành'] });
  });

  it('a rename dated next month: the old name today and asOf today, the new one from its day; the ETag of today is accepted back', async () => {
    const today = await admin.get('/branches/b-2');
    created(await admin.post('/branches/b-2/renames', { name: 'Chi đoàn bản Pục Mới', ...why('2025-07-01') }, { 'if-match': String(today.headers.etag) }));
    expect(await branch('b-2')).toEqual({ name: 'Chi đoàn bản Pục', parentUnitId: 'xa-1', status: 'active' });
    const etag = String((await admin.get('/branches/b-2')).headers.etag);
    created(await admin.post('/branches/b-2/moves', { toUnitId: 'xa-2', ...why('2025-08-01') }, { 'if-match': etag }));
    expect(await branch('b-2')).toEqual({ name: 'Chi đoàn bản Pục', parentUnitId: 'xa-1', status: 'active' });
    clock.setTo('2025-07-01');
    expect(await branch('b-2')).toEqual({ name: 'Chi đoàn bản Pục Mới', parentUnitId: 'xa-1', status: 'active' });
    expect(await directory('xa-1')).toContain('b-2:Chi đoàn bản Pục Mới');
    clock.setTo('2025-08-01');
    expect(await branch('b-2')).toEqual({ name: 'Chi đoàn bản Pục Mới', parentUnitId: 'xa-2', status: 'active' });
    expect(await directory('xa-1')).not.toContain('b-2:Chi đoàn bản Pục Mới');
  });

  it('a change without an effective date takes effect today by the same clock: shown at once', async () => {
    created(await admin.post('/branches', { id: 'b-today', parentUnitId: 'xa-9', name: 'Chi đoàn thôn Hôm Nay', reason: 'thành lập' }));
    expect(await branch('b-today')).toEqual({ name: 'Chi đoàn thôn Hôm Nay', parentUnitId: 'xa-9', status: 'active' });
    expect((await admin.get('/branches/b-today')).body.establishedOn).toBe(TODAY);
  });

  it('a merger dated next month: the source active today and asOf today, merged from its day (lineage too)', async () => {
    created(await admin.post('/branch-mergers', { sourceBranchIds: ['b-1'], into: { branchId: 'b-3' }, ...why('2025-07-01') }));
    expect(await branch('b-1')).toEqual({ name: 'Chi đoàn bản Mường Phú', parentUnitId: 'xa-1', status: 'active' });
    expect((await agreed('/branches/b-3/lineage')).body.predecessors).toEqual([]);
    clock.setTo('2025-07-01');
    expect(await branch('b-1')).toEqual({ name: 'Chi đoàn bản Mường Phú', parentUnitId: 'xa-1', status: 'merged' });
    expect((await agreed('/branches/b-3/lineage')).body.predecessors.map((b: { id: string }) => b.id)).toEqual(['b-1']);
  });

  it('while a change is pending, reads answered from the fold take a minPosition beyond the log head (another log\'s) as the read models do: nothing to wait for', async () => {
    created(await admin.post('/branches/b-3/renames', { name: 'Chi đoàn bản Na Sành mới', ...why('2030-01-01') }));
    const beyond = (await gw.store.headPosition()) + 1000;
    for (const path of ['/branches', '/units/xa-2/tree', '/units/xa-2/lineage', '/branches/b-3/lineage']) {
      const r = await admin.get(`${path}?minPosition=${beyond}`);
      expect({ path, status: r.status }).toEqual({ path, status: 200 });
    }
    expect((await admin.get(`/units/xa-2/tree?minPosition=${await gw.store.headPosition()}`)).status).toBe(200);
  });
});
