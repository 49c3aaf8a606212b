import { isProblem } from '../gateway/gateway-app';
import { EvaluationApp, seedQuyChau, startEvaluation } from './evaluation-app';

jest.setTimeout(180_000);

/**
 * Issue 18's acceptance, embedded, over HTTP through the gateway: the Quỳ Châu year 2020. Each of
 * the 84 branches assesses itself (its secretary), each commune decides (its officer): 50 strong,
 * 30 good, 4 average; then changes with four eyes, the list, the history and asOf.
 */
describe('evaluation through the gateway (embedded): the Quỳ Châu year 2020', () => {
  let app: EvaluationApp;
  let branches: Array<{ id: string; commune: string }>;
  const gradeOf = (i: number) => (i < 50 ? 'strong' : i < 80 ? 'good' : 'average');
  const rating = (subjectId: string, stage: string, grade: string, over: Record<string, unknown> = {}) => ({
    subjectType: 'branch', subjectId, year: 2020, scale: 'branch-classic', grade, stage, reason: stage === 'decision' ? 'Hội nghị tổng kết năm 2020' : 'Chi đoàn tự đánh giá', ...over,
  });
  const counts = (items: Array<{ grade: string }>) => items.reduce<Record<string, number>>((n, r) => ({ ...n, [r.grade]: (n[r.grade] ?? 0) + 1 }), {});
  const list = async (extra = '') => {
    const r = await app.admin.get(`/ratings?unitId=qc&year=2020&subjectType=branch&stage=decision&limit=500${extra}`);
    expect(r.status).toBe(200);
    return r.body.items as Array<{ id: string; grade: string }>;
  };
  const officer = async (sub: string, unit: string) => app.gw.api(await app.gw.bearer({ sub, roles: ['unit-officer'], scopeUnitId: unit }));
  let beforeChange: string;
  let changed: string;
  let lastPosition = 0;

  beforeAll(async () => {
    app = await startEvaluation();
    branches = await seedQuyChau(app.admin);
    await app.sync();
    for (const [i, b] of branches.entries()) {
      const secretary = app.gw.api(await app.gw.bearer({ sub: `bt-${b.id}`, roles: ['branch-secretary'], scopeBranchId: b.id }));
      const self = await secretary.post('/ratings', rating(b.id, 'self-assessment', i % 2 ? 'strong' : 'good'));
      expect(self.status).toBe(201);
    }
    for (const [i, b] of branches.entries()) {
      const commune = await officer(`xa-${b.commune}`, b.commune);
      const decided = await commune.post('/ratings', rating(b.id, 'decision', gradeOf(i), { decisionRef: { number: `12/QĐ-${b.commune}`, date: '2021-01-15' } }));
      expect(decided.status).toBe(201);
      expect(decided.body.id).toBe(`branch.2020.${b.id}`);
      lastPosition = decided.body.position;
    }
  });
  afterAll(() => app?.gw.close());

  it('the commune decisions count 50 strong, 30 good, 4 average', async () => {
    expect(counts(await list(`&minPosition=${lastPosition}`))).toEqual({ strong: 50, good: 30, average: 4 });
  });

  it('changes with four eyes: one approved, one rejected, the proposer refused; then 51/29/4, and asOf an instant before shows 50/30/4', async () => {
    const huyen1 = await officer('huyen-1', 'qc');
    const huyen2 = await officer('huyen-2', 'qc');
    const [good1, good2, good3] = branches.slice(50, 53).map((b) => `branch.2020.${b.id}`);
    changed = good1;
    beforeChange = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));

    const proposal = await huyen1.post('/rating-changes', { ratingId: good1, grade: 'strong', reason: 'Khiếu nại được chấp nhận', decisionRef: { number: '45/QĐ-HĐQC' } });
    expect(proposal.status).toBe(201);
    const approval = await huyen2.post(`/rating-changes/${proposal.body.id}/approval`, { reason: 'Đồng ý' });
    expect(approval.status).toBe(201);
    lastPosition = approval.body.position;

    const rejected = await huyen1.post('/rating-changes', { ratingId: good2, grade: 'strong', reason: 'Đề nghị nâng hạng' });
    expect((await huyen2.post(`/rating-changes/${rejected.body.id}/rejection`, { reason: 'Không đủ căn cứ' })).status).toBe(201);

    const own = await huyen1.post('/rating-changes', { ratingId: good3, grade: 'strong', reason: 'Đề nghị nâng hạng' });
    const before = await app.heads();
    const refused = await huyen1.post(`/rating-changes/${own.body.id}/approval`, { reason: 'Tự duyệt' });
    expect({ status: refused.status, rule: refused.body.rule, problem: isProblem(refused) }).toEqual({ status: 422, rule: 'four-eyes', problem: true });
    expect(await app.heads()).toBe(before);

    expect(counts(await list(`&minPosition=${lastPosition}`))).toEqual({ strong: 51, good: 29, average: 4 });
    expect(counts(await list(`&asOf=${encodeURIComponent(beforeChange)}`))).toEqual({ strong: 50, good: 30, average: 4 });
  });

  it("the subject's history shows every stage with its actors", async () => {
    const b = changed.replace('branch.2020.', '');
    const r = await app.admin.get(`/ratings/branch/${b}?year=2020&minPosition=${lastPosition}`);
    expect(r.status).toBe(200);
    expect(r.headers.etag).toBeDefined();
    const history = r.body.items[0].history.map((h: { stage: string; grade: string; actor: string }) => [h.stage, h.grade, h.actor]);
    expect(history).toEqual([
      ['self-assessment', expect.any(String), `bt-${b}`],
      ['decision', 'good', expect.stringMatching(/^xa-qc-x/)],
      ['change-proposed', 'strong', 'huyen-1'],
      ['change-approved', 'strong', 'huyen-2'],
    ]);
    expect(r.body.items[0].history[2]).toMatchObject({ fromGrade: 'good', reason: 'Khiếu nại được chấp nhận', decision: { number: '45/QĐ-HĐQC' } });
  });

  it('the list answers text/csv too', async () => {
    const r = await app.admin.get('/ratings?unitId=qc-x1&year=2020&limit=3', { accept: 'text/csv' });
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toMatch(/^text\/csv/);
    expect(r.raw.startsWith('\ufeffid,subjectType')).toBe(true);
    expect(r.raw.trim().split('\r\n')).toHaveLength(4);
  });
});
