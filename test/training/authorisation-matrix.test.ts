import { ROUTE_POLICIES } from '@register/auth';
import { expectedInside, expectedOutside } from '../gateway/matrix-cases';
import { isProblem, Reply } from '../gateway/gateway-app';
import { trainingCallers, trainingFixtures, trainingScenarios } from './matrix-cases';
import { admit, startTraining, TrainingApp } from './training-app';

type Api = ReturnType<TrainingApp['gw']['api']>;
type Caller = (typeof trainingCallers)[number];
const callers = trainingCallers;

/**
 * Every training write × every role × inside and outside the caller's scope, through the embedded
 * gateway: inside Quế Phong (qp, b-1) and outside it (Thanh Hóa: th, b-9). A course's organiser is
 * training's fact, so some refusals come from the service (TrainingScope), others from the gateway;
 * either way 403 as problem+json with nothing appended to any log. Then every training read.
 */
describe('training: the authorisation matrix (every role × every training route × inside/outside scope)', () => {
  let t: TrainingApp;
  const apis = new Map<string, Api>();
  const rows: string[] = [];
  const fixtures = trainingFixtures({ post: (path, body) => t.admin.post(path, body) });
  const { enrolled, competition } = fixtures;
  const scenarios = trainingScenarios(fixtures);

  beforeAll(async () => {
    t = await startTraining();
    await admit(t.admin, 'b-1', ['m-in']);
    await admit(t.admin, 'b-9', ['m-out']);
    await t.sync();
    for (const c of callers) {
      const headers = c.apiKey
        ? { 'x-api-key': t.gw.auth.apiKeys.create({ name: 'training-matrix', roles: c.roles, scopeUnitId: c.scopeUnitId, allow: c.allow }).key }
        : await t.gw.bearer({ sub: c.name.replace(/\W+/g, '-'), roles: c.roles, scopeUnitId: c.scopeUnitId, scopeBranchId: c.scopeBranchId, allow: c.allow });
      apis.set(c.name, t.gw.api(headers));
    }
  }, 120_000);
  afterAll(async () => {
    console.log(`training authorisation matrix\n${rows.join('\n')}`);
    await t?.gw.close();
  });

  it('has a scenario for every training write in the route table', () => {
    const writes = ROUTE_POLICIES.filter((p) => p.method !== 'GET' && /^\/(training-|competitions|mentor-assignments)/.test(p.path));
    expect([...new Set(writes.map((p) => p.action))].sort()).toEqual(Object.keys(scenarios).sort());
  });

  const refused = async (r: Reply, before: string, what: string) => {
    expect([what, r.status, isProblem(r)]).toEqual([what, 403, true]);
    expect(await t.heads()).toBe(before);
  };

  for (const c of callers) {
    for (const action of Object.keys(scenarios)) {
      it(`${c.name} × ${action}`, async () => {
        const { inside, outside } = await scenarios[action]();
        const api = apis.get(c.name)!;
        for (const o of outside) {
          const before = await t.heads();
          const r = await api.post(o.path, o.body);
          rows.push(`${c.name} | ${action} | outside ${o.path} | ${r.status}`);
          if (expectedOutside(c, action) === 403) await refused(r, before, o.path);
          else expect([o.path, r.status < 500 && r.status !== 401 && r.status !== 403]).toEqual([o.path, true]);
        }
        const before = await t.heads();
        const r = await api.post(inside.path, inside.body);
        rows.push(`${c.name} | ${action} | inside ${inside.path} | ${r.status}`);
        if (expectedInside(c, action) === 403) return refused(r, before, inside.path);
        expect([inside.path, r.status]).toEqual([inside.path, 201]);
        const trainingBefore = Number(before.split('/').pop());
        const events = await t.trainingLog.readAll(trainingBefore, 100);
        expect(events.map((e) => e.metadata.actor)).toEqual(events.map(() => (c.apiKey ? 'system:training-matrix' : c.name.replace(/\W+/g, '-'))));
      });
    }
  }

  it("reads courses and compliance within the caller's scope, a member's record within the member's (auditors everywhere)", async () => {
    const [inCourse, outCourse] = [await enrolled('qp', 'm-in'), await enrolled('th', 'm-out')];
    const [inCompetition, outCompetition] = [await competition('qp'), await competition('th')];
    const caughtUp = `minPosition=${await t.trainingLog.headPosition()}`;
    const reads = {
      competition: { inside: `/competitions/${inCompetition}?${caughtUp}`, outside: `/competitions/${outCompetition}?${caughtUp}` },
      competitions: { inside: '/competitions?organiserUnitId=qp', outside: '/competitions?organiserUnitId=th' },
      course: { inside: `/training-courses/${inCourse}?${caughtUp}`, outside: `/training-courses/${outCourse}?${caughtUp}` },
      list: { inside: '/training-courses?organiserUnitId=qp', outside: '/training-courses?organiserUnitId=th' },
      all: { inside: undefined, outside: '/training-courses' },
      compliance: { inside: '/training-compliance?unitId=xa-1&year=2025', outside: '/training-compliance?unitId=th&year=2025' },
      records: { inside: '/training-records?memberId=m-in', outside: '/training-records?memberId=m-out' },
    };
    const everywhere = (c: Caller) => c.roles.includes('central-admin') || c.roles.includes('auditor') || (c.allow?.includes('*') && !c.scopeUnitId);
    const within = (c: Caller, what: keyof typeof reads) => {
      if (everywhere(c)) return true;
      if (c.roles.includes('unit-officer')) return c.scopeUnitId !== undefined;
      if (c.roles.includes('branch-secretary')) return what === 'records';
      return false; // a key without training.read
    };
    for (const c of callers) {
      const api = apis.get(c.name)!;
      for (const what of Object.keys(reads) as Array<keyof typeof reads>) {
        for (const side of ['inside', 'outside'] as const) {
          const path = reads[what][side];
          if (!path) continue;
          const r = await api.get(path);
          rows.push(`${c.name} | training.read | ${side} ${path} | ${r.status}`);
          const want = (side === 'inside' ? within(c, what) : everywhere(c)) ? 200 : 403;
          expect([c.name, path, r.status, r.status === 403 ? isProblem(r) : true]).toEqual([c.name, path, want, true]);
        }
      }
      // A branch's mentors are member ids and dates, like its officers: any authenticated caller reads them.
      expect([c.name, (await api.get('/branches/b-9/mentors')).status]).toEqual([c.name, 200]);
    }
  });
});
