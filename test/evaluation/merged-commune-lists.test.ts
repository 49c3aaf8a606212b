import { seedTree, why } from '../gateway/gateway-app';
import { EvaluationApp, startEvaluation } from './evaluation-app';

jest.setTimeout(60_000);

/**
 * A commune merged away (xa-1 into xa-2, 1 October 2025) after one of its hamlets had closed in a
 * hamlet merger (b-1 into b-2, 1 March 2025): the successor's ratings and commendations lists hold
 * what its summary counts, the closed hamlet's included (a black-box probe found them only under the
 * closed commune and the province).
 */
describe("a merged commune's ratings and commendations in its successor's lists (embedded)", () => {
  let app: EvaluationApp;
  const ok = async (r: Promise<{ status: number; raw: string; body: { position?: number } }>) => {
    const a = await r;
    if (a.status >= 300) throw new Error(`${a.status} ${a.raw}`);
    return a.body;
  };

  beforeAll(async () => {
    app = await startEvaluation();
    await seedTree(app.admin);
    await app.sync();
    for (const stage of ['self-assessment', 'decision']) {
      await ok(app.admin.post('/ratings', { subjectType: 'branch', subjectId: 'b-1', year: 2025, scale: 'four-level', grade: 'good', stage, ...why('tổng kết sớm', '2025-02-20') }));
    }
    await ok(app.admin.post('/commendations', { subjectType: 'branch', subjectId: 'b-1', year: 2025, occasion: 'other', title: 'Chi đoàn tiêu biểu', issuedByUnitId: 'xa-1', ...why('tuyên dương', '2025-02-25') }));
    await ok(app.admin.post('/branch-mergers', { sourceBranchIds: ['b-1'], into: { branchId: 'b-2' }, ...why('sáp nhập bản', '2025-03-01') }));
    await ok(app.admin.post('/unit-mergers', { sourceUnitIds: ['xa-1'], into: { unitId: 'xa-2' }, ...why('sáp nhập xã', '2025-10-01') }));
    await app.sync();
  });
  afterAll(() => app?.gw.close());

  it('lists the closed hamlet\'s rating and commendation under the successor, as under the closed commune and the province', async () => {
    const listed = async (path: string) => ((await app.admin.get(path)).body.items as Array<{ subjectId: string }>).map((i) => i.subjectId);
    for (const unitId of ['xa-2', 'xa-1', 'na']) {
      expect([unitId, await listed(`/ratings?unitId=${unitId}&year=2025&subjectType=branch&stage=decision`)]).toEqual([unitId, ['b-1']]);
      expect([unitId, await listed(`/commendations?unitId=${unitId}&year=2025`)]).toEqual([unitId, ['b-1']]);
    }
  });

  it('answers 404 for a unit not yet standing on the axes asked, as every read by unit does (a black-box probe listed ratings under a unit not yet recorded)', async () => {
    expect((await app.admin.post('/units', { id: 'xa-new', kind: 'grassroots', name: 'Đoàn xã Mới Lập', parentId: 'qp', ...why('thành lập', '2025-11-01') })).status).toBe(201);
    await app.sync();
    const before = await app.admin.get('/ratings?unitId=xa-new&year=2025&asOf=2025-10-31');
    expect([before.status, before.body.detail]).toEqual([404, expect.stringContaining('did not stand on the day asked')]);
    const earlier = await app.admin.get(`/ratings?unitId=xa-new&year=2025&knownAt=${encodeURIComponent('2020-01-01T00:00:00Z')}`);
    expect(earlier.status).toBe(404);
    expect((await app.admin.get('/ratings?unitId=xa-new&year=2025&asOf=2025-11-01')).status).toBe(200);
  });
});
