import { isProblem, Reply } from '../gateway/gateway-app';
import { hostileRequests } from './hostile-requests';
import { admit, startTraining, TrainingApp, why } from './training-app';

/**
 * The hostile-input suite over the training routes, through the embedded gateway as a central
 * administrator (the caller every check lets furthest): every malformed or hostile request is a 4xx
 * problem+json, never a 5xx, and appends nothing to any log.
 */
describe('training: 1 200 malformed or hostile requests', () => {
  let t: TrainingApp;
  let course: string;

  beforeAll(async () => {
    t = await startTraining();
    await admit(t.admin, 'b-1', ['m-1', 'm-2']);
    await t.sync();
    const r = await t.admin.post('/training-courses', { organiserUnitId: 'qp', title: 'Lớp bồi dưỡng', kind: 'skills', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: '2025-05-10', endsOn: '2025-05-11', ...why() });
    course = r.body.id;
    await t.admin.post(`/training-courses/${course}/enrolments`, { memberIds: ['m-1'], ...why() });
  }, 120_000);
  afterAll(async () => t?.gw.close());

  it('answers every one with a problem+json 4xx and appends nothing', async () => {
    const headers = { authorization: (await t.gw.bearer({ sub: 'admin', roles: ['central-admin'] })).authorization, 'content-type': 'application/json' };
    const before = await t.heads();
    const counts: Record<string, number> = {};
    const wrong: string[] = [];
    for (const { kind, req } of hostileRequests(1200, course)) {
      const r: Reply = await t.gw.inject({ method: req.method, url: `/api/v1${req.path}`, headers: req.method === 'GET' ? { authorization: headers.authorization } : headers, payload: req.raw ?? (req.body === undefined ? undefined : JSON.stringify(req.body)) });
      counts[r.status] = (counts[r.status] ?? 0) + 1;
      if (r.status < 400 || r.status >= 500 || !isProblem(r)) wrong.push(`${kind}: ${req.method} ${req.path} ${JSON.stringify(req.body ?? req.raw)?.slice(0, 200)} → ${r.status} ${r.raw.slice(0, 200)}`);
    }
    console.log(`training hostile input: answers by status ${JSON.stringify(counts)}`);
    expect(wrong).toEqual([]);
    expect(await t.heads()).toBe(before);
  }, 300_000);
});
