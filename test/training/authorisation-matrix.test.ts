import { Role, ROUTE_POLICIES } from '@register/auth';
import { isProblem, Reply } from '../gateway/gateway-app';
import { admit, startTraining, TrainingApp, why } from './training-app';

type Api = ReturnType<TrainingApp['gw']['api']>;
interface Caller {
  name: string;
  roles: Role[];
  scopeUnitId?: string;
  scopeBranchId?: string;
  allow?: string[];
  apiKey?: boolean;
}
interface Case {
  path: string;
  body: Record<string, unknown>;
}

const callers: Caller[] = [
  { name: 'central-admin', roles: ['central-admin'] },
  { name: 'unit-officer', roles: ['unit-officer'], scopeUnitId: 'qp' },
  { name: 'branch-secretary', roles: ['branch-secretary'], scopeBranchId: 'b-1' },
  { name: 'auditor', roles: ['auditor'] },
  { name: 'system-integrator (key, scope qp, may schedule courses)', roles: ['system-integrator'], scopeUnitId: 'qp', allow: ['training.schedule'], apiKey: true },
  { name: 'system-integrator (token, no scope, may do anything)', roles: ['system-integrator'], allow: ['*'] },
  { name: 'unit-officer without a scope', roles: ['unit-officer'] },
];

/** As the organisation and personnel matrix: 'ok' where the service decides (2xx, or 409/422), else 403. */
function expectedInside(c: Caller, action: string): 'ok' | 403 {
  if (c.roles.includes('central-admin')) return 'ok';
  const policy = ROUTE_POLICIES.find((p) => p.action === action)!;
  if (!c.roles.some((r) => policy.roles.includes(r))) return 403;
  if (c.roles.includes('unit-officer')) return c.scopeUnitId ? 'ok' : 403;
  if (c.roles.includes('branch-secretary')) return 'ok';
  if (c.roles.includes('system-integrator')) return c.allow?.includes('*') || c.allow?.includes(action) ? 'ok' : 403;
  return 403;
}
function expectedOutside(c: Caller, action: string): 'ok' | 403 {
  if (c.roles.includes('central-admin')) return 'ok';
  if (c.roles.includes('system-integrator') && !c.scopeUnitId) return expectedInside(c, action);
  return 403;
}

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
  let n = 0;

  const course = async (organiserUnitId: string) => {
    const r = await t.admin.post('/training-courses', { organiserUnitId, title: `Lớp ${++n}`, kind: 'skills', topics: [], startsOn: '2025-05-10', endsOn: '2025-05-11', ...why('mở lớp', '2025-05-01') });
    if (r.status !== 201) throw new Error(r.raw);
    return r.body.id as string;
  };
  const enrolled = async (organiserUnitId: string, memberId: string) => {
    const id = await course(organiserUnitId);
    const r = await t.admin.post(`/training-courses/${id}/enrolments`, { memberIds: [memberId], ...why('triệu tập', '2025-05-01') });
    if (r.status !== 201) throw new Error(r.raw);
    return id;
  };

  const competition = async (organiserUnitId: string, entrant?: string) => {
    const r = await t.admin.post('/competitions', { organiserUnitId, title: `Hội thi ${++n}`, heldOn: '2025-03-20', ...why() });
    if (r.status !== 201) throw new Error(r.raw);
    if (entrant && (await t.admin.post(`/competitions/${r.body.id}/entries`, { memberIds: [entrant], ...why() })).status !== 201) throw new Error('entry');
    return r.body.id as string;
  };
  const assignment = async (branchId: string, mentorMemberId: string) => {
    const r = await t.admin.post('/mentor-assignments', { branchId, mentorMemberId, startsOn: '2025-07-01', ...why() });
    if (r.status !== 201) throw new Error(r.raw);
    return r.body.id as string;
  };

  /** For each write action: one request inside the caller's scope, and those outside it (fresh fixtures each time). */
  const scenarios: Record<string, () => Promise<{ inside: Case; outside: Case[] }>> = {
    'training.schedule': async () => ({
      inside: { path: '/training-courses', body: { organiserUnitId: 'xa-1', title: 'Lớp xã', kind: 'skills', topics: [], startsOn: '2025-05-10', endsOn: '2025-05-11', ...why() } },
      outside: [{ path: '/training-courses', body: { organiserUnitId: 'th', title: 'Lớp tỉnh khác', kind: 'skills', topics: [], startsOn: '2025-05-10', endsOn: '2025-05-11', ...why() } }],
    }),
    'training.enrol': async () => ({
      inside: { path: `/training-courses/${await course('qp')}/enrolments`, body: { memberIds: ['m-in'], ...why() } },
      outside: [
        { path: `/training-courses/${await course('th')}/enrolments`, body: { memberIds: ['m-in'], ...why() } },
        { path: `/training-courses/${await course('qp')}/enrolments`, body: { memberIds: ['m-out'], ...why() } },
        { path: `/training-courses/${await course('qp')}/enrolments`, body: { memberIds: ['m-in', 'm-out'], ...why() } },
      ],
    }),
    'training.run': async () => ({
      inside: { path: `/training-courses/${await enrolled('qp', 'm-in')}/attendance`, body: { on: '2025-05-10', presentMemberIds: ['m-in'], ...why() } },
      outside: [
        { path: `/training-courses/${await enrolled('th', 'm-out')}/attendance`, body: { on: '2025-05-10', presentMemberIds: ['m-out'], ...why() } },
        { path: `/training-courses/${await enrolled('th', 'm-in')}/completion`, body: { results: [{ memberId: 'm-in', outcome: 'completed' }], ...why() } },
        { path: `/training-courses/${await course('th')}/cancellation`, body: why() },
      ],
    }),
    'training.competition.announce': async () => ({
      inside: { path: '/competitions', body: { organiserUnitId: 'xa-1', title: 'Hội thi xã', heldOn: '2025-03-20', ...why() } },
      outside: [{ path: '/competitions', body: { organiserUnitId: 'th', title: 'Hội thi tỉnh khác', heldOn: '2025-03-20', ...why() } }],
    }),
    'training.competition.enter': async () => ({
      inside: { path: `/competitions/${await competition('qp')}/entries`, body: { memberIds: ['m-in'], ...why() } },
      outside: [
        { path: `/competitions/${await competition('th')}/entries`, body: { memberIds: ['m-in'], ...why() } },
        { path: `/competitions/${await competition('qp')}/entries`, body: { memberIds: ['m-out'], ...why() } },
      ],
    }),
    'training.competition.award': async () => ({
      inside: { path: `/competitions/${await competition('qp', 'm-in')}/results`, body: { awards: [{ memberId: 'm-in', award: 'Giải nhất' }], ...why() } },
      outside: [{ path: `/competitions/${await competition('th', 'm-out')}/results`, body: { awards: [{ memberId: 'm-out', award: 'Giải nhất' }], ...why() } }],
    }),
    'training.mentor.assign': async () => ({
      inside: { path: '/mentor-assignments', body: { branchId: 'b-1', mentorMemberId: 'm-in', startsOn: '2025-07-01', ...why() } },
      outside: [
        { path: '/mentor-assignments', body: { branchId: 'b-9', mentorMemberId: 'm-in', startsOn: '2025-07-01', ...why() } },
        { path: '/mentor-assignments', body: { branchId: 'b-1', mentorMemberId: 'm-out', startsOn: '2025-07-01', ...why() } },
      ],
    }),
    'training.mentor.end': async () => ({
      inside: { path: `/mentor-assignments/${await assignment('b-1', 'm-in')}/ending`, body: { endsOn: '2025-09-30', ...why() } },
      outside: [{ path: `/mentor-assignments/${await assignment('b-9', 'm-out')}/ending`, body: { endsOn: '2025-09-30', ...why() } }],
    }),
  };

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
