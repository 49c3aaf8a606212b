import { Principal, ROUTE_POLICIES } from '@register/auth';
import { StructureScopeResolver } from '../../services/gateway/src/security/structure-scope';
import { Gateway, isProblem, seedTree, startGateway, why } from './gateway-app';
import { admitMember, Api, branchIn, Caller, evaluationReads, evaluationScenarios, expectedInside, expectedOutside, gatewayCallers, Outside, readsOutside, Scenario, unitIn } from './matrix-cases';
import { rawClient, registerSecurityCases, SecuritySetup } from './security-holes';

let gwRef!: Gateway;
const memberIn = (admin: Api, id: string, branchId: string) => admitMember(admin, id, branchId, () => gwRef.syncPersonnel());
/** A member in b-1 (inside every scoped caller's reach, the branch secretary's own branch) and one outside. */
const twoMembers = async (a: Api, n: string, out: Outside) => ({ m: await memberIn(a, `m-${n}`, 'b-1'), o: await memberIn(a, `mo-${n}`, out.branch) });

/** Every write endpoint of organisation and personnel; the test checks that this list covers the route table. */
const scenarios: Record<string, Scenario> = {
  'unit.establish': async (_a, n, _w, out) => ({
    inside: { path: '/units', body: { id: `u-${n}`, kind: 'grassroots', name: `Đoàn xã ${n}`, parentId: 'xa-1', ...why() } },
    outside: [
      { path: '/units', body: { kind: 'grassroots', name: `Đoàn xã ngoài ${n}`, parentId: out.unit, ...why() } },
      { path: '/units', body: { kind: 'central', name: `Trung ương ${n}`, ...why() } },
    ],
  }),
  'unit.move': async (a, n, _w, out) => {
    const u = await unitIn(a, `mv-${n}`, 'xa-1');
    return {
      inside: { path: `/units/${u}/moves`, body: { toParentId: 'xa-2', ...why() } },
      outside: [
        { path: `/units/${u}/moves`, body: { toParentId: 'th', ...why() } },
        { path: `/units/${out.unit}/moves`, body: { toParentId: 'qp', ...why() } },
      ],
    };
  },
  'unit.rename': async (a, n, _w, out) => {
    const u = await unitIn(a, `rn-${n}`, 'xa-1');
    return { inside: { path: `/units/${u}/renames`, body: { name: `Đoàn xã mới ${n}`, ...why() } }, outside: [{ path: `/units/${out.unit}/renames`, body: { name: `Đoàn xã khác ${n}`, ...why() } }] };
  },
  'unit.dissolve': async (a, n, _w, out) => {
    const u = await unitIn(a, `ds-${n}`, 'xa-1');
    return { inside: { path: `/units/${u}/dissolution`, body: why() }, outside: [{ path: `/units/${out.unit}/dissolution`, body: why() }] };
  },
  'unit.merge': async (a, n, _w, out) => {
    const [u1, u2, u3] = [await unitIn(a, `um1-${n}`, 'qp'), await unitIn(a, `um2-${n}`, 'qp'), await unitIn(a, `um3-${n}`, 'qp')];
    return {
      inside: { path: '/unit-mergers', body: { sourceUnitIds: [u1], into: { unitId: u2 }, ...why() } },
      outside: [
        { path: '/unit-mergers', body: { sourceUnitIds: [u3, out.unit], into: { name: `Đoàn xã hợp nhất ${n}`, kind: 'grassroots', parentId: 'qp' }, ...why() } },
        { path: '/unit-mergers', body: { sourceUnitIds: [u3], into: { unitId: out.unit }, ...why() } },
        { path: '/unit-mergers', body: { sourceUnitIds: [u3, u2], into: { name: `Đoàn xã hợp nhất ngoài ${n}`, kind: 'grassroots', parentId: 'th' }, ...why() } },
      ],
    };
  },
  'branch.establish': async (_a, n, _w, out) => ({
    inside: { path: '/branches', body: { parentUnitId: 'xa-1', name: `Chi đoàn mới ${n}`, ...why() } },
    outside: [{ path: '/branches', body: { parentUnitId: out.unit, name: `Chi đoàn ngoài ${n}`, ...why() } }],
  }),
  'branch.move': async (a, n, _w, out) => {
    const b = await branchIn(a, `bm-${n}`, 'xa-1');
    return {
      inside: { path: `/branches/${b}/moves`, body: { toUnitId: 'xa-2', ...why() } },
      outside: [
        { path: `/branches/${b}/moves`, body: { toUnitId: out.unit, ...why() } },
        { path: `/branches/${out.branch}/moves`, body: { toUnitId: 'xa-1', ...why() } },
      ],
    };
  },
  'branch.rename': async (a, n, who, out) => {
    const b = who.scopeBranchId ?? (await branchIn(a, `br-${n}`, 'xa-1'));
    return {
      inside: { path: `/branches/${b}/renames`, body: { name: `Chi đoàn đổi tên ${n}`, ...why() } },
      outside: [{ path: `/branches/${out.branch}/renames`, body: { name: `Chi đoàn khác ${n}`, ...why() } }, ...(who.scopeBranchId ? [{ path: '/branches/b-2/renames', body: { name: `Chi đoàn bên ${n}`, ...why() } }] : [])],
    };
  },
  'branch.dissolve': async (a, n, _w, out) => {
    const b = await branchIn(a, `bd-${n}`, 'xa-1');
    return { inside: { path: `/branches/${b}/dissolution`, body: why() }, outside: [{ path: `/branches/${out.branch}/dissolution`, body: why() }] };
  },
  'branch.merge': async (a, n, _w, out) => {
    const s1 = await branchIn(a, `mg1-${n}`, 'xa-1');
    const s2 = await branchIn(a, `mg2-${n}`, 'xa-1');
    const s3 = await branchIn(a, `mg3-${n}`, 'xa-1');
    return {
      inside: { path: '/branch-mergers', body: { sourceBranchIds: [s1], into: { branchId: s2 }, ...why() } },
      outside: [
        { path: '/branch-mergers', body: { sourceBranchIds: [s3, out.branch], into: { name: `Chi đoàn hợp nhất ${n}` }, ...why() } },
        { path: '/branch-mergers', body: { sourceBranchIds: [s3], into: { branchId: out.branch }, ...why() } },
        { path: '/branch-mergers', body: { sourceBranchIds: [s3], into: { name: `Chi đoàn hợp nhất ngoài ${n}`, parentUnitId: out.unit }, ...why() } },
      ],
    };
  },
  'branch.split': async (a, n, _w, out) => {
    const b = await branchIn(a, `sp-${n}`, 'xa-1');
    const parts = (parent?: string) => [
      { name: `Chi đoàn tách A ${n}`, memberIds: [], ...(parent ? { parentUnitId: parent } : {}) },
      { name: `Chi đoàn tách B ${n}`, memberIds: [] },
    ];
    return {
      inside: { path: '/branch-splits', body: { sourceBranchId: b, parts: parts(), ...why() } },
      outside: [
        { path: '/branch-splits', body: { sourceBranchId: out.branch, parts: parts(), ...why() } },
        { path: '/branch-splits', body: { sourceBranchId: b, parts: parts(out.unit), ...why() } },
      ],
    };
  },
  'member.admit': async (a, n, _w, out) => {
    await gwRef.syncPersonnel();
    const body = (id: string, branchId: string) => ({ id, branchId, fullName: `Vi Thị ${id}`, dateOfBirth: '2001-02-03', gender: 'female', admittedOn: '2021-03-26', consent: { givenOn: '2021-03-01', purposes: ['membership-register'] }, ...why() });
    return { inside: { path: '/members', body: body(`ad-${n}`, 'b-1') }, outside: [{ path: '/members', body: body(`ado-${n}`, out.branch) }] };
  },
  'member.transfer': async (a, n, _w, out) => {
    const { m, o } = await twoMembers(a, n, out);
    const t = (to: string) => ({ toBranchId: to, duesSettledUpTo: '2025-01-31', ...why() });
    return { inside: { path: `/members/${m}/transfers`, body: t('b-2') }, outside: [{ path: `/members/${m}/transfers`, body: t(out.branch) }, { path: `/members/${o}/transfers`, body: t('b-1') }] };
  },
  'member.change-status': async (a, n, _w, out) => {
    const { m, o } = await twoMembers(a, n, out);
    return { inside: { path: `/members/${m}/status-changes`, body: { status: 'away-work', ...why() } }, outside: [{ path: `/members/${o}/status-changes`, body: { status: 'away-work', ...why() } }] };
  },
  'member.affiliate': async (a, n, _w, out) => {
    const { m, o } = await twoMembers(a, n, out);
    const at = (branchId: string) => ({ branchId, ...why() });
    return { inside: { path: `/members/${m}/residential-affiliations`, body: at('b-1') }, outside: [{ path: `/members/${m}/residential-affiliations`, body: at(out.branch) }, { path: `/members/${o}/residential-affiliations`, body: at('b-1') }] };
  },
  'member.introduce-to-party': async (a, n, _w, out) => {
    const { m, o } = await twoMembers(a, n, out);
    return { inside: { path: `/members/${m}/party-introductions`, body: why() }, outside: [{ path: `/members/${o}/party-introductions`, body: why() }] };
  },
  'member.record-party-outcome': async (a, n, _w, out) => {
    const { m, o } = await twoMembers(a, n, out);
    const body = { outcome: 'admitted', ...why() };
    return { inside: { path: `/members/${m}/party-introduction-outcomes`, body }, outside: [{ path: `/members/${o}/party-introduction-outcomes`, body }] };
  },
  'member.erase-personal-data': async (a, n, _w, out) => {
    const { m, o } = await twoMembers(a, n, out);
    return { inside: { path: `/members/${m}/personal-data-erasure`, body: why('yêu cầu xóa dữ liệu') }, outside: [{ path: `/members/${o}/personal-data-erasure`, body: why('yêu cầu xóa dữ liệu') }] };
  },
  'member.correct-personal-data': async (a, n, _w, out) => {
    const { m, o } = await twoMembers(a, n, out);
    const body = { fullName: `Vi Thị Sửa ${n}`, ...why('sửa họ tên') };
    return { inside: { path: `/members/${m}/personal-data-corrections`, body }, outside: [{ path: `/members/${o}/personal-data-corrections`, body }] };
  },
  'officer.appoint': async (a, n, _w, out) => {
    const { m, o } = await twoMembers(a, n, out);
    const post = (memberId: string) => ({ memberId, role: 'deputy-secretary', method: 'appointed', source: 'teacher', startsOn: '2025-02-01', ...why() });
    return { inside: { path: '/branches/b-1/officer-appointments', body: post(m) }, outside: [{ path: `/branches/${out.branch}/officer-appointments`, body: post(o) }] };
  },
  'officer.depart': async (a, n, _w, out) => {
    const { m, o } = await twoMembers(a, n, out);
    const leave = (memberId: string) => ({ memberId, endsOn: '2025-03-01', cause: 'resigned', ...why() });
    return { inside: { path: '/branches/b-1/officer-departures', body: leave(m) }, outside: [{ path: `/branches/${out.branch}/officer-departures`, body: leave(o) }] };
  },
  ...evaluationScenarios({ evaluation: () => gwRef.syncEvaluation(), personnel: () => gwRef.syncPersonnel() }),
};

const callers = gatewayCallers;

describe('gateway: the authorisation matrix (every role × every organisation and personnel write × inside/outside scope)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  const apis = new Map<string, ReturnType<Gateway['api']>>();
  // Training's writes have their matrix beside the training service (test/training/authorisation-matrix.test.ts), which checks it covers them.
  // POST /audit/verifications changes nothing (an auditor's read of every log): its refusals are in test/audit.
  const writes = ROUTE_POLICIES.filter((p) => p.method !== 'GET' && !p.action.startsWith('training.') && p.action !== 'audit.read');

  beforeAll(async () => {
    gw = await startGateway();
    gwRef = gw;
    admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
    await seedTree(admin);
    for (const c of callers) {
      if (c.apiKey) {
        apis.set(c.name, gw.api({ 'x-api-key': gw.auth.apiKeys.create({ name: 'matrix', roles: c.roles, scopeUnitId: c.scopeUnitId, allow: c.allow }).key }));
      } else {
        apis.set(c.name, gw.api(await gw.bearer({ sub: c.name.replace(/\W+/g, '-'), roles: c.roles, scopeUnitId: c.scopeUnitId, scopeBranchId: c.scopeBranchId, allow: c.allow })));
      }
    }
  });
  afterAll(async () => gw?.close());

  it('has a scenario for every write in the route table', () => {
    // One scenario an action: routes that share one (a change's approval and rejection) are its outside cases.
    expect([...new Set(writes.map((p) => p.action))].sort()).toEqual(Object.keys(scenarios).sort());
  });

  const rows: string[] = [];
  afterAll(() => console.log(`authorisation matrix\n${rows.join('\n')}`));

  for (const c of callers) {
    for (const action of Object.keys(scenarios)) {
      it(`${c.name} × ${action}`, async () => {
        const n = `${callers.indexOf(c)}-${action.replace('.', '-')}`;
        const out = { unit: await unitIn(admin, `out-${n}`, 'th'), branch: '' };
        out.branch = await branchIn(admin, `outb-${n}`, out.unit);
        const { inside, outside } = await scenarios[action](admin, n, c, out);
        await gw.syncPersonnel();
        const api = apis.get(c.name)!;
        for (const o of outside) {
          const before = await gw.heads();
          const r = await api.post(o.path, o.body);
          const want = expectedOutside(c, action);
          rows.push(`${c.name} | ${action} | outside ${o.path} | ${r.status}`);
          if (want === 403) {
            expect([o.path, r.status, isProblem(r)]).toEqual([o.path, 403, true]);
            expect(await gw.heads()).toBe(before);
          } else {
            expect([o.path, r.status < 500 && r.status !== 401 && r.status !== 403]).toEqual([o.path, true]);
          }
        }
        const before = await gw.heads();
        const r = await api.post(inside.path, inside.body);
        rows.push(`${c.name} | ${action} | inside ${inside.path} | ${r.status}`);
        if (expectedInside(c, action) === 403) {
          expect([r.status, isProblem(r)]).toEqual([403, true]);
          expect(await gw.heads()).toBe(before);
        } else {
          expect([inside.path, r.status, r.raw]).toEqual([inside.path, expect.any(Number), expect.any(String)]);
          expect([201, 200, 409, 422]).toContain(r.status);
          if (r.status === 201) {
            expect(await gw.heads()).not.toBe(before);
            const [orgBefore, personnelBefore] = before.split('/').map(Number);
            const events = [...(await gw.store.readAll(orgBefore, 100)), ...(await gw.personnelStore.readAll(personnelBefore, 100))];
            const who = c.apiKey ? 'system:matrix' : c.name.replace(/\W+/g, '-');
            expect(events.every((e) => e.metadata.actor === who)).toBe(true);
          }
        }
      });
    }
  }

  it('lets auditors and central administrators read the audit log, and nobody else', async () => {
    for (const c of callers) {
      const r = await apis.get(c.name)!.get('/audit/events?limit=5');
      const allowed = c.roles.includes('central-admin') || c.roles.includes('auditor');
      expect([c.name, r.status]).toEqual([c.name, allowed ? 200 : 403]);
    }
    const auditor = gw.api(await gw.bearer({ sub: 'kiem-toan', roles: ['auditor'] }));
    const page1 = await auditor.get('/audit/events?type=UnitEstablished&limit=3');
    expect(page1.body.items).toHaveLength(3);
    expect(page1.body.items.every((e: { type: string }) => e.type === 'UnitEstablished')).toBe(true);
    const page2 = await auditor.get(`/audit/events?type=UnitEstablished&limit=3&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items[0].position).toBeGreaterThan(page1.body.items[2].position);
    const byActor = await auditor.get('/audit/events?actor=unit-officer&limit=500');
    expect(byActor.body.items.length).toBeGreaterThan(0);
    expect(byActor.body.items.every((e: { actor: string }) => e.actor === 'unit-officer')).toBe(true);
    const future = await auditor.get('/audit/events?from=2999-01-01T00:00:00Z');
    expect(future.body.items).toEqual([]);
    // A time range that runs backwards is no range: 400 naming to and the rule, as the exports' positions.
    const backwards = await auditor.get('/audit/events?from=2026-12-06T00:00:00Z&to=2026-12-01T00:00:00Z');
    expect([backwards.status, backwards.body.errors]).toEqual([400, [expect.objectContaining({ field: 'to', rule: 'from-after-to' })]]);
    const history = await auditor.get('/audit/entities/unit/qp/history');
    expect(history.status).toBe(200);
    expect(history.body.changes[0]).toMatchObject({ type: 'UnitEstablished', actor: 'admin', reason: 'khởi tạo', effectiveDate: '2025-01-01' });
    expect(typeof history.body.changes[0].recordedAt).toBe('string');
    expect((await auditor.get('/audit/entities/unit/nope/history')).status).toBe(404);
    expect((await auditor.get('/audit/entities/member/x/history')).status).toBe(404);
    // training's and evaluation's entities have histories too (an unknown one is 404); an unknown kind is 400
    expect((await auditor.get('/audit/entities/course/x/history')).status).toBe(404);
    expect((await auditor.get('/audit/entities/payslip/x/history')).status).toBe(400);
  });

  it("reads members' personal data only within the caller's scope (auditors everywhere, system keys with member.read)", async () => {
    const inside = await memberIn(admin, 'read-in', 'b-1');
    const outside = await memberIn(admin, 'read-out', 'b-9');
    const reads = {
      inside: [`/members/${inside}`, `/members/${inside}/history`, `/members/${inside}/career`, '/members?branchId=b-1'],
      outside: [`/members/${outside}`, `/members/${outside}/history`, '/members?branchId=b-9', '/members'],
    };
    const wantInside = (c: Caller) => (c.roles.includes('central-admin') || c.roles.includes('auditor') || (c.roles.includes('unit-officer') && c.scopeUnitId) || c.roles.includes('branch-secretary') || c.allow?.includes('*') ? 200 : 403);
    const wantOutside = (c: Caller) => (c.roles.includes('central-admin') || c.roles.includes('auditor') || (c.allow?.includes('*') && !c.scopeUnitId) ? 200 : 403);
    for (const c of callers) {
      const api = apis.get(c.name)!;
      for (const path of reads.inside) {
        const r = await api.get(path);
        rows.push(`${c.name} | member.read | inside ${path} | ${r.status}`);
        expect([c.name, path, r.status]).toEqual([c.name, path, wantInside(c)]);
      }
      for (const path of reads.outside) {
        const r = await api.get(path);
        rows.push(`${c.name} | member.read | outside ${path} | ${r.status}`);
        expect([c.name, path, r.status, r.status === 403 ? isProblem(r) : true]).toEqual([c.name, path, wantOutside(c), true]);
      }
    }
  });

  it('refuses every evaluation read outside the caller’s scope (403 problem+json), for every role; the same reads inside it answer', async () => {
    const reads = evaluationReads({ unit: 'xa-9', branch: 'b-9', member: await memberIn(admin, 'ev-read-out', 'b-9') });
    // Evaluation learns the member (a subject it never heard of is 404).
    await gwRef.syncEvaluation();
    const routes = ROUTE_POLICIES.filter((p) => p.method === 'GET' && /^\/(ratings|rating-changes|commendations|support-visits)\b/.test(p.path)).map((p) => p.path);
    expect([...new Set(reads.outside.map((r) => r.route))].sort()).toEqual([...routes].sort());
    expect([...new Set(reads.inside.map((r) => r.route))].sort()).toEqual([...routes].sort());
    for (const c of callers) {
      for (const { path } of reads.outside) {
        const r = await apis.get(c.name)!.get(path);
        rows.push(`${c.name} | rating.read | outside ${path} | ${r.status}`);
        expect([c.name, path, r.status, r.status === 403 ? isProblem(r) : true]).toEqual([c.name, path, readsOutside(c), true]);
      }
    }
    // The refusals mean something: the same routes answer within the caller's scope.
    const officer = gw.api(await gw.bearer({ sub: 'officer-qp', roles: ['unit-officer'], scopeUnitId: 'qp' }));
    for (const { path } of reads.inside) expect([path, (await officer.get(path)).status]).toEqual([path, 200]);
  });

  it("pages auditors through every service's log: each event once, and one member's history from personnel", async () => {
    const auditor = gw.api(await gw.bearer({ sub: 'kiem-toan', roles: ['auditor'] }));
    await memberIn(admin, 'audit-m1', 'b-2');
    await memberIn(admin, 'audit-m2', 'b-2');
    const seen: string[] = [];
    let cursor: string | null = '';
    for (let pages = 0; cursor !== null && pages < 1000; pages++) {
      const r = await auditor.get(`/audit/events?limit=37${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      for (const e of r.body.items as Array<{ service: string; position: number }>) seen.push(`${e.service}:${e.position}`);
      cursor = r.body.nextCursor;
    }
    const all = async (store: Gateway['store'], service: string) => (await store.readAll(0, 100_000)).map((e) => `${service}:${e.position}`);
    const expected = [...(await all(gw.store, 'organisation')), ...(await all(gw.personnelStore, 'personnel')), ...(await all(gw.trainingStore, 'training')), ...(await all(gw.evaluationStore, 'evaluation'))];
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(expected.sort());
    expect(seen.some((k) => k.startsWith('personnel:'))).toBe(true);
    const personnelOnly = await auditor.get('/audit/events?service=personnel&type=MemberAdmitted&limit=2');
    expect(personnelOnly.body.items.map((e: { service: string; type: string }) => [e.service, e.type])).toEqual([['personnel', 'MemberAdmitted'], ['personnel', 'MemberAdmitted']]);
    const memberId = personnelOnly.body.items[0].data.memberId ?? personnelOnly.body.items[0].streamId.replace(/^member-/, '');
    const history = await auditor.get(`/audit/entities/member/${memberId}/history`);
    expect(history.status).toBe(200);
    expect(history.body.changes[0]).toMatchObject({ service: 'personnel', type: 'MemberAdmitted', actor: expect.any(String), reason: expect.any(String) });
  });
});

/**
 * Issue 14 on the embedded gateway: HEAD as GET and every other method refused on every route
 * (hole 1), the personnel reports' member lists within scope (2), appointments across scope (4),
 * validation before any look-up (5), and random routes × roles × methods × targets. The same
 * cases run against the distributed gateway in distributed-security.test.ts.
 */
describe('gateway (embedded): HEAD, OPTIONS and unknown methods on every route; random routes × roles × methods × targets', () => {
  let gw: Gateway;
  let setup: SecuritySetup;

  beforeAll(async () => {
    gw = await startGateway();
    await seedTree(gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] })));
    await gw.syncPersonnel();
    const scopes = gw.app.get(StructureScopeResolver);
    const ancestry = jest.spyOn(scopes, 'ancestry');
    const branchOfMember = jest.spyOn(scopes, 'branchOfMember');
    await gw.app.listen(0, '127.0.0.1');
    const base = `${(await gw.app.getUrl()).replace('[::1]', '127.0.0.1')}/api/v1`;
    let keys = 0;
    setup = {
      call: rawClient(base),
      bearer: gw.bearer,
      apiKey: (o) => ({ 'x-api-key': gw.auth.apiKeys.create({ name: `security-${keys++}`, ...o }).key }),
      heads: gw.heads,
      sync: gw.syncPersonnel,
      lookups: () => ancestry.mock.calls.length + branchOfMember.mock.calls.length,
      // gateway-app builds its adapter without createHttpApp's client error handler: Fastify's own 400 answers.
      problemForUnparsable: false,
    };
  });
  afterAll(async () => gw?.close());

  registerSecurityCases(() => setup, { iterations: Number(process.env.SECURITY_ITERATIONS ?? 600) });
});

export type { Principal };
