import { EvaluationApp, startEvaluation } from './evaluation-app';
import { shadowDiffs } from './shadow-rebuild';
import { changeWithFourEyes, decisionCounts, historyOf, rateTheYear, seedQuyChau, Setup } from './quy-chau-scenario';

jest.setTimeout(180_000);

/**
 * Issue 18's acceptance, embedded, over HTTP through the gateway: the Quỳ Châu year 2020. Each of
 * the 84 branches assesses itself (its secretary), each commune decides (its officer): 50 strong,
 * 30 good, 4 average; then changes with four eyes, the list, the history and asOf.
 */
describe('evaluation through the gateway (embedded): the Quỳ Châu year 2020', () => {
  let app: EvaluationApp;
  let setup: Setup;
  let branches: Array<{ id: string; commune: string }>;
  let decided: number;

  beforeAll(async () => {
    app = await startEvaluation();
    setup = { as: async (o) => app.gw.api(await app.gw.bearer(o)), heads: app.heads, sync: app.sync };
    branches = await seedQuyChau(app.admin);
    await app.sync();
    decided = await rateTheYear(setup, branches);
  });
  afterAll(() => app?.gw.close());

  it('the commune decisions count 50 strong, 30 good, 4 average', async () => {
    expect(await decisionCounts(app.admin, `&minPosition=${decided}`)).toEqual({ strong: 50, good: 30, average: 4 });
  });

  it('changes with four eyes: one approved, one rejected, the proposer refused; then 51/29/4, asOf an instant before 50/30/4, and the history shows every stage with its actors', async () => {
    const { before, changed, position, refused } = await changeWithFourEyes(setup, branches);
    expect(refused).toEqual({ status: 422, rule: 'four-eyes', appended: false });
    expect(await decisionCounts(app.admin, `&minPosition=${position}`)).toEqual({ strong: 51, good: 29, average: 4 });
    expect(await decisionCounts(app.admin, `&asOf=${encodeURIComponent(before)}`)).toEqual({ strong: 50, good: 30, average: 4 });
    const history = await historyOf(app.admin, changed, position);
    const b = changed.replace('branch.2020.', '');
    expect(history.etag).toBe('"3"');
    expect(history.steps).toEqual([
      ['self-assessment', expect.any(String), `bt-${b}`],
      ['decision', 'good', expect.stringMatching(/^xa-qc-x/)],
      ['change-proposed', 'strong', 'huyen-1'],
      ['change-approved', 'strong', 'huyen-2'],
    ]);
    expect(history.proposal).toMatchObject({ fromGrade: 'good', reason: 'Khiếu nại được chấp nhận', decision: { number: '45/QĐ-HĐQC' } });
    // The rejected proposal's rating keeps its grade, and its history the proposal and the rejection with their actors.
    const rejected = await historyOf(app.admin, `branch.2020.${branches[51].id}`, await app.evaluationStore.headPosition());
    expect(rejected.steps.slice(1)).toEqual([
      ['decision', 'good', expect.stringMatching(/^xa-qc-x/)],
      ['change-proposed', 'strong', 'huyen-1'],
      ['change-rejected', 'strong', 'huyen-2'],
    ]);
    expect(rejected.proposal).toMatchObject({ fromGrade: 'good', reason: 'Đề nghị nâng hạng' });
  });

  it('pages the decisions by nextCursor: 84 ratings in 5 pages of at most 20, each once', async () => {
    const ids: string[] = [];
    let pages = 0;
    for (let cursor: string | null = ''; cursor !== null; pages++) {
      const r = await app.admin.get(`/ratings?unitId=qc&year=2020&subjectType=branch&stage=decision&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect([r.status, r.body.items.length <= 20]).toEqual([200, true]);
      ids.push(...r.body.items.map((x: { id: string }) => x.id));
      cursor = r.body.nextCursor;
    }
    expect({ pages, ratings: ids.length, distinct: new Set(ids).size }).toEqual({ pages: 5, ratings: 84, distinct: 84 });
  });

  it('the list answers text/csv too', async () => {
    const r = await app.admin.get('/ratings?unitId=qc-x1&year=2020&limit=3', { accept: 'text/csv' });
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toMatch(/^text\/csv/);
    expect(r.raw.startsWith('\ufeffid,subjectType')).toBe(true);
    expect(r.raw.trim().split('\r\n')).toHaveLength(4);
  });

  it('a shadow rebuild of every evaluation projection reports 0 differences', async () => {
    const diffs = await shadowDiffs(app.gw.app, app.evaluationStore);
    console.log(`shadow diff (evaluation, embedded): ${JSON.stringify(diffs)}`);
    // 84 self-assessments, 84 decisions, 3 proposals, 1 approval, 1 rejection, all ratings' types:
    // each projection reads the events of the types it handles (no commendation or visit this year).
    const none = { events: 0, differences: 0 };
    expect(diffs).toEqual({ ratings: { events: 84 + 84 + 3 + 1 + 1, differences: 0 }, commendations: none, 'support-visits': none });
  });
});
