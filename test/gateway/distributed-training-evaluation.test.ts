import { ROUTE_POLICIES } from '@register/auth';
import { EventStore } from '@register/event-sourcing';
import { SubjectsReplica } from '../../services/evaluation/src/application/subjects-replica';
import { EVALUATION_STORE } from '../../services/evaluation/src/application/tokens';
import { EvaluationModule } from '../../services/evaluation/src/evaluation.module';
import { PERSONNEL_LOG } from '../../services/personnel/src/application/tokens';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { TRAINING_STORE } from '../../services/training/src/application/tokens';
import { TrainingReactions } from '../../services/training/src/reactions/training-reactions.service';
import { TrainingModule } from '../../services/training/src/training.module';
import { hostileRequests as trainingHostileRequests } from '../training/hostile-requests';
import { trainingCallers, trainingFixtures, trainingScenarios } from '../training/matrix-cases';
import { admit, why } from '../training/training-app';
import { Distributed, startDistributed } from './distributed-app';
import { evaluationHandOver, handOver, trainingHandOver } from './gateway-app';
import { hostileRequests } from './hostile-requests';
import { Api, branchIn, Caller, Case, evaluationReads, evaluationScenarios, expectedInside, expectedOutside, gatewayCallers, Outside, readsOutside, unitIn } from './matrix-cases';
import { isProblem, RawAnswer, rawClient } from './security-holes';

const EVALUATION_ROUTE = /^\/(ratings|rating-changes|commendations|support-visits)\b/;

/**
 * Issues 17 and 18 on the distributed gateway: the training and evaluation routes forwarded to
 * their own services over HTTP (organisation, personnel, training, evaluation and the gateway on
 * their own ports, logs on PostgreSQL, read models on FerretDB). The hostile-input suite's requests
 * and the authorisation matrix's cases are the embedded suites' own (test/training,
 * hostile-input.test.ts, authorisation-matrix.test.ts): no answer is a 5xx, every out-of-scope call
 * is a 403 problem+json, and nothing refused appends to any of the four logs. The relays are off:
 * each service learns the others' events by hand-over, as its consumer would.
 */
describe('training and evaluation through the distributed gateway: hostile input and the authorisation matrix', () => {
  const saved = { rate: process.env.REGISTER_RATE_PER_SEC, burst: process.env.REGISTER_RATE_BURST };
  let d: Distributed;
  let call: ReturnType<typeof rawClient>;
  let heads: () => Promise<string>;
  let trainingLog: EventStore;
  let sync: { personnel(): Promise<void>; training(): Promise<void>; evaluation(): Promise<void> };
  let admin: ReturnType<typeof as>;
  const as = (headers: Record<string, string>) => ({ post: (path: string, body: unknown) => call('POST', path, headers, body) }) satisfies Api;
  const get = (headers: Record<string, string>, path: string) => call('GET', path, headers);
  const rows: string[] = [];

  beforeAll(async () => {
    // Thousands of requests from a handful of callers: the rate limit is not this test's subject.
    process.env.REGISTER_RATE_PER_SEC = '100000';
    process.env.REGISTER_RATE_BURST = '100000';
    d = await startDistributed('test-internal-secret-0123456789', [{ module: TrainingModule, urlEnv: 'TRAINING_URL' }, { module: EvaluationModule, urlEnv: 'EVALUATION_URL' }]);
    const [training, evaluation] = d.apps;
    trainingLog = training.get<EventStore>(TRAINING_STORE);
    const evaluationLog = evaluation.get<EventStore>(EVALUATION_STORE);
    // startDistributed handed organisation's events over once; this hand-over starts again from the first (to the same effect).
    const personnel = handOver(d.orgStore, d.personnel.get(OrganisationReactions));
    sync = {
      personnel,
      training: trainingHandOver(d.orgStore, d.personnel.get<EventStore>(PERSONNEL_LOG), training.get(TrainingReactions), personnel),
      evaluation: evaluationHandOver(d.orgStore, d.personnelStore, evaluation.get(SubjectsReplica), personnel),
    };
    heads = async () => `${await d.heads()}/${await evaluationLog.headPosition()}/${await trainingLog.headPosition()}`;
    call = rawClient(`${(await d.gateway.getUrl()).replace('[::1]', '127.0.0.1')}/api/v1`);
    admin = as(d.admin);
    await sync.personnel();
    await admit(admin as never, 'b-1', ['m-1', 'm-2', 'm-in']);
    await admit(admin as never, 'b-9', ['m-out']);
    await sync.training();
    await sync.evaluation();
  }, 180_000);

  afterAll(async () => {
    console.log(`distributed training and evaluation matrix\n${rows.join('\n')}`);
    await d?.close();
    for (const [name, value] of [['REGISTER_RATE_PER_SEC', saved.rate], ['REGISTER_RATE_BURST', saved.burst]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  /**
   * Sends each distinct request once (the seeded generators repeat themselves: about 460 of 1,200
   * are distinct); returns what is not a problem+json 4xx, and the answers by status.
   */
  const hostile = async (requests: Array<{ what: string; key: string; send: () => Promise<RawAnswer> }>) => {
    const wrong: string[] = [];
    const counts: Record<string, number> = {};
    const distinct = [...new Map(requests.map((r) => [r.key, r])).values()];
    for (const { what, send } of distinct) {
      // A header Node's client cannot send (a non-Latin-1 key, an injected newline) never reaches the gateway.
      const r = await send().catch((error: Error) => (/Invalid character in header|Invalid value/.test(error.message) ? undefined : Promise.reject(error)));
      const status = r?.status ?? 'unsendable';
      counts[status] = (counts[status] ?? 0) + 1;
      if (r && (r.status < 400 || r.status >= 500 || !isProblem(r))) wrong.push(`${what} → ${r.status} ${r.raw.slice(0, 200)}`);
    }
    return { wrong, counts, distinct: distinct.length };
  };

  it('answers the distinct ones of 1 200 malformed or hostile training requests with a problem+json 4xx, appending nothing', async () => {
    const created = await admin.post('/training-courses', { organiserUnitId: 'qp', title: 'Lớp bồi dưỡng', kind: 'skills', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: '2025-05-10', endsOn: '2025-05-11', ...why() });
    expect(created.status).toBe(201);
    expect((await admin.post(`/training-courses/${created.body.id}/enrolments`, { memberIds: ['m-1'], ...why() })).status).toBe(201);
    const before = await heads();
    const { wrong, counts, distinct } = await hostile(
      trainingHostileRequests(1200, created.body.id).map(({ kind, req }) => ({
        what: `${kind}: ${req.method} ${req.path} ${JSON.stringify(req.body ?? req.raw)?.slice(0, 200)}`,
        key: JSON.stringify([req.method, req.path, req.raw ?? req.body ?? null]),
        send: () => call(req.method, req.path, d.admin, req.raw ?? req.body),
      })),
    );
    console.log(`training hostile input (distributed): ${distinct} distinct requests, answers by status ${JSON.stringify(counts)}`);
    expect(distinct).toBeGreaterThan(300);
    expect(wrong).toEqual([]);
    expect(await heads()).toBe(before);
  }, 300_000);

  it("answers the gateway suite's malformed or hostile evaluation requests with a problem+json 4xx, appending nothing", async () => {
    const requests = hostileRequests(3000, d.admin).filter(({ req }) => EVALUATION_ROUTE.test(req.url.replace('/api/v1', '')));
    const before = await heads();
    const { wrong, counts, distinct } = await hostile(
      requests.map(({ kind, req }) => ({
        what: `${kind}: ${req.method} ${req.url.slice(0, 120)} ${String(req.payload ?? '').slice(0, 160)}`,
        key: JSON.stringify([req.method, req.url, req.headers ?? null, req.payload === undefined ? null : Buffer.isBuffer(req.payload) ? req.payload.toString('base64') : String(req.payload)]),
        send: () => call(req.method, req.url.replace('/api/v1', ''), req.headers as Record<string, string>, req.payload),
      })),
    );
    console.log(`evaluation hostile input (distributed): ${distinct} distinct requests, answers by status ${JSON.stringify(counts)}`);
    expect(distinct).toBeGreaterThan(300);
    expect(wrong).toEqual([]);
    expect(await heads()).toBe(before);
  }, 300_000);

  /** Each caller's headers: a key of the gateway, or a token. */
  const headersOf = async (c: Caller, keyName: string) =>
    c.apiKey
      ? { 'x-api-key': d.auth.apiKeys.create({ name: keyName, roles: c.roles, scopeUnitId: c.scopeUnitId, allow: c.allow }).key }
      : d.token({ sub: c.name.replace(/\W+/g, '-'), roles: c.roles, scopeUnitId: c.scopeUnitId, scopeBranchId: c.scopeBranchId, allow: c.allow });

  /** Every case outside the caller's scope refused as 403 problem+json (appending nothing) where expected; the inside one decided by the service. */
  const runCases = async (c: Caller, action: string, headers: Record<string, string>, cases: { inside: Case; outside: Case[] }, insideOk: number[]) => {
    const api = as(headers);
    for (const o of cases.outside) {
      const before = await heads();
      const r = await api.post(o.path, o.body);
      rows.push(`${c.name} | ${action} | outside ${o.path} | ${r.status}`);
      if (expectedOutside(c, action) === 403) expect([o.path, r.status, isProblem(r), await heads()]).toEqual([o.path, 403, true, before]);
      else expect([o.path, r.status < 500 && r.status !== 401 && r.status !== 403]).toEqual([o.path, true]);
    }
    const before = await heads();
    const r = await api.post(cases.inside.path, cases.inside.body);
    rows.push(`${c.name} | ${action} | inside ${cases.inside.path} | ${r.status}`);
    if (expectedInside(c, action) === 403) expect([cases.inside.path, r.status, isProblem(r), await heads()]).toEqual([cases.inside.path, 403, true, before]);
    else expect([cases.inside.path, insideOk.includes(r.status)]).toEqual([cases.inside.path, true]);
  };

  it('refuses every training write outside the caller’s scope (403, nothing appended), for every role', async () => {
    const scenarios = trainingScenarios(trainingFixtures(admin));
    const writes = ROUTE_POLICIES.filter((p) => p.method !== 'GET' && /^\/(training-|competitions|mentor-assignments)/.test(p.path));
    expect([...new Set(writes.map((p) => p.action))].sort()).toEqual(Object.keys(scenarios).sort());
    for (const c of trainingCallers) {
      const headers = await headersOf(c, 'training-matrix');
      for (const action of Object.keys(scenarios)) await runCases(c, action, headers, await scenarios[action](), [201]);
    }
  }, 300_000);

  it('reads training within the caller’s scope only (a course, the lists, compliance, a member’s record)', async () => {
    const { enrolled } = trainingFixtures(admin);
    const [inCourse, outCourse] = [await enrolled('qp', 'm-in'), await enrolled('th', 'm-out')];
    const minPosition = `minPosition=${await trainingLog.headPosition()}`;
    const reads = [
      [`/training-courses/${inCourse}?${minPosition}`, `/training-courses/${outCourse}?${minPosition}`],
      ['/training-courses?organiserUnitId=qp', '/training-courses?organiserUnitId=th'],
      ['/training-compliance?unitId=xa-1&year=2025', '/training-compliance?unitId=th&year=2025'],
    ];
    const officer = await d.token({ sub: 'officer-qp', roles: ['unit-officer'], scopeUnitId: 'qp' });
    const secretary = await d.token({ sub: 'secretary-b1', roles: ['branch-secretary'], scopeBranchId: 'b-1' });
    for (const [inside, outside] of reads) {
      const answers = [(await get(officer, inside)).status, (await get(officer, outside)).status, (await get(secretary, outside)).status];
      expect([inside, ...answers]).toEqual([inside, 200, 403, 403]);
    }
    const records = [(await get(secretary, '/training-records?memberId=m-in')).status, (await get(secretary, '/training-records?memberId=m-out')).status];
    expect(records).toEqual([200, 403]);
  }, 120_000);

  it('refuses every evaluation write outside the caller’s scope (403, nothing appended), for every role', async () => {
    const scenarios = evaluationScenarios({ evaluation: sync.evaluation, personnel: sync.personnel });
    const writes = ROUTE_POLICIES.filter((p) => p.method !== 'GET' && EVALUATION_ROUTE.test(p.path));
    expect([...new Set(writes.map((p) => p.action))].sort()).toEqual(Object.keys(scenarios).sort());
    for (const [i, c] of gatewayCallers.entries()) {
      const headers = await headersOf(c, 'matrix');
      for (const action of Object.keys(scenarios)) {
        const n = `${i}-${action.replace('.', '-')}`;
        const out: Outside = { unit: await unitIn(admin, `out-${n}`, 'th'), branch: '' };
        out.branch = await branchIn(admin, `outb-${n}`, out.unit);
        const cases = await scenarios[action](admin, n, c, out);
        await sync.personnel();
        await runCases(c, action, headers, cases, [200, 201, 409, 422]);
      }
    }
  }, 300_000);

  it('refuses every evaluation read outside the caller’s scope (403 problem+json), for every role; the same reads inside it answer', async () => {
    const reads = evaluationReads({ unit: 'xa-9', branch: 'b-9', member: 'm-out' });
    const routes = ROUTE_POLICIES.filter((p) => p.method === 'GET' && EVALUATION_ROUTE.test(p.path)).map((p) => p.path);
    expect([...new Set(reads.outside.map((r) => r.route))].sort()).toEqual([...routes].sort());
    expect([...new Set(reads.inside.map((r) => r.route))].sort()).toEqual([...routes].sort());
    for (const c of gatewayCallers) {
      const headers = await headersOf(c, 'matrix-reads');
      for (const { path } of reads.outside) {
        const r = await get(headers, path);
        rows.push(`${c.name} | rating.read | outside ${path} | ${r.status}`);
        expect([c.name, path, r.status, r.status === 403 ? isProblem(r) : true]).toEqual([c.name, path, readsOutside(c), true]);
      }
    }
    // The refusals mean something: the same routes answer within the caller's scope.
    const officer = await d.token({ sub: 'officer-qp', roles: ['unit-officer'], scopeUnitId: 'qp' });
    for (const { path } of reads.inside) expect([path, (await get(officer, path)).status]).toEqual([path, 200]);
  }, 120_000);
});
