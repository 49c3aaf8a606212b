import { Role, ROUTE_POLICIES } from '@register/auth';
import { why } from './gateway-app';

/**
 * The authorisation matrix's pieces: every role × every write × inside and outside the caller's
 * scope. The embedded gateway's matrix (authorisation-matrix.test.ts, test/training) and the
 * distributed one (distributed-training-evaluation.test.ts) run the same scenarios and expect the same.
 */

/** What the matrix needs of a client: a POST and its answer (the embedded gateway's api, or a raw HTTP client). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read freely in tests
export type Api = { post(path: string, body: unknown): Promise<{ status: number; raw: string; body: any }> };
export interface Case {
  path: string;
  body: Record<string, unknown>;
}
/** For one write action: a request inside the caller's scope and one outside it; `setup` (as admin) makes fresh targets. */
export type Scenario = (admin: Api, n: string, who: Caller, out: Outside) => Promise<{ inside: Case; outside: Case[] }>;
/** A fresh unit and branch under Thanh Hóa for each case, so that what an unscoped caller may change there leaves the fixture alone. */
export interface Outside {
  unit: string;
  branch: string;
}

export interface Caller {
  name: string;
  roles: Role[];
  scopeUnitId?: string;
  scopeBranchId?: string;
  allow?: string[];
  apiKey?: boolean;
}

export const unitIn = async (admin: Api, id: string, parentId: string) => {
  const r = await admin.post('/units', { id, kind: 'grassroots', name: `Đoàn xã ${id}`, parentId, ...why() });
  if (r.status !== 201) throw new Error(`${id}: ${r.raw}`);
  return id;
};
export const branchIn = async (admin: Api, id: string, parentUnitId: string) => {
  const r = await admin.post('/branches', { id, parentUnitId, name: `Chi đoàn ${id}`, ...why() });
  if (r.status !== 201) throw new Error(`${id}: ${r.raw}`);
  return id;
};

/** A member admitted by the central administrator into a branch personnel has learnt of (`sync` hands it organisation's events). */
export const admitMember = async (admin: Api, id: string, branchId: string, sync: () => Promise<void>) => {
  await sync();
  const r = await admin.post('/members', {
    id, branchId, fullName: `Lò Văn ${id}`, dateOfBirth: '2000-05-10', gender: 'male', admittedOn: '2020-03-26',
    consent: { givenOn: '2020-03-20', purposes: ['membership-register'] }, ...why('kết nạp'),
  });
  if (r.status !== 201) throw new Error(`${id}: ${r.raw}`);
  return id;
};

/** How a setup hands other services' events to evaluation's and personnel's replicas, as their consumers would. */
export interface Syncs {
  evaluation(): Promise<void>;
  personnel(): Promise<void>;
}

/** Every evaluation write: the branch's own secretary assesses it; the level above decides and changes (four eyes). */
export const evaluationScenarios = (sync: Syncs): Record<string, Scenario> => ({
  'rating.record': async (_a, _n, _w, out) => {
    await sync.evaluation();
    const rate = (subjectId: string, stage = 'self-assessment') => ({ subjectType: 'branch', subjectId, year: 2025, scale: 'four-level', grade: 'good', stage, ...why() });
    return { inside: { path: '/ratings', body: rate('b-1') }, outside: [{ path: '/ratings', body: rate(out.branch) }, { path: '/ratings', body: rate(out.branch, 'decision') }] };
  },
  'rating.change': async (a, n, _w, out) => {
    const b = await branchIn(a, `rt-${n}`, 'xa-1');
    await sync.evaluation();
    for (const id of [b, out.branch]) {
      for (const stage of ['self-assessment', 'decision']) {
        const r = await a.post('/ratings', { subjectType: 'branch', subjectId: id, year: 2025, scale: 'four-level', grade: 'good', stage, ...why() });
        if (r.status !== 201) throw new Error(`${id}: ${r.raw}`);
      }
    }
    const change = (id: string) => ({ ratingId: `branch.2025.${id}`, grade: 'excellent', ...why() });
    return {
      inside: { path: '/rating-changes', body: change(b) },
      outside: [{ path: '/rating-changes', body: change(out.branch) }, { path: `/rating-changes/c1.branch.2025.${out.branch}/approval`, body: why() }, { path: `/rating-changes/c1.branch.2025.${out.branch}/rejection`, body: why() }],
    };
  },
  'commendation.issue': async (_a, _n, _w, out) => {
    await sync.evaluation();
    const commend = (subjectId: string, issuedByUnitId: string) => ({ subjectType: 'branch', subjectId, year: 2025, occasion: 'year-end', title: 'Chi đoàn vững mạnh tiêu biểu', issuedByUnitId, ...why() });
    return { inside: { path: '/commendations', body: commend('b-1', 'xa-1') }, outside: [{ path: '/commendations', body: commend(out.branch, out.unit) }, { path: '/commendations', body: commend('b-1', out.unit) }] };
  },
  'support-visit.record': async (a, n, _w, out) => {
    const b = await branchIn(a, `sv-${n}`, 'xa-1');
    const m = await admitMember(a, `sv-m-${n}`, b, sync.personnel);
    const o = await admitMember(a, `sv-o-${n}`, out.branch, sync.personnel);
    for (const [branchId, memberId] of [[b, m], [out.branch, o]]) {
      const r = await a.post(`/branches/${branchId}/officer-appointments`, { memberId, role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-02-01', ...why() });
      if (r.status !== 201) throw new Error(`${memberId}: ${r.raw}`);
    }
    await sync.evaluation();
    const visit = (memberId: string, byUnitId: string) => ({ memberId, visitedOn: '2025-03-01', byUnitId, gift: 'Quà Tết', ...why() });
    return { inside: { path: '/support-visits', body: visit(m, 'xa-1') }, outside: [{ path: '/support-visits', body: visit(o, out.unit) }, { path: '/support-visits', body: visit(m, out.unit) }] };
  },
});

/** The callers of the organisation, personnel and evaluation matrix. */
export const gatewayCallers: Caller[] = [
  { name: 'central-admin', roles: ['central-admin'] },
  { name: 'unit-officer', roles: ['unit-officer'], scopeUnitId: 'qp' },
  { name: 'branch-secretary', roles: ['branch-secretary'], scopeBranchId: 'b-1' },
  { name: 'auditor', roles: ['auditor'] },
  { name: 'system-integrator (key, scope qp, may establish and rename branches)', roles: ['system-integrator'], scopeUnitId: 'qp', allow: ['branch.establish', 'branch.rename'], apiKey: true },
  { name: 'system-integrator (token, no scope, may do anything)', roles: ['system-integrator'], allow: ['*'] },
  { name: 'unit-officer without a scope', roles: ['unit-officer'] },
];

/** The expected answer inside the caller's scope: 'ok' (the service decides: 2xx, or 409/422) or 403. */
export function expectedInside(c: Caller, action: string): 'ok' | 403 {
  if (c.roles.includes('central-admin')) return 'ok';
  const policy = ROUTE_POLICIES.find((p) => p.action === action)!;
  if (!c.roles.some((r) => policy.roles.includes(r))) return 403;
  if (c.roles.includes('unit-officer')) return c.scopeUnitId ? 'ok' : 403;
  if (c.roles.includes('branch-secretary')) return 'ok';
  if (c.roles.includes('system-integrator')) return c.allow?.includes('*') || c.allow?.includes(action) ? 'ok' : 403;
  return 403;
}
export function expectedOutside(c: Caller, action: string): 'ok' | 403 {
  if (c.roles.includes('central-admin')) return 'ok';
  if (c.roles.includes('system-integrator') && !c.scopeUnitId) return expectedInside(c, action);
  return 403;
}

/** An evaluation read: its route in the route table, and the path asked. */
export interface ReadCase {
  route: string;
  path: string;
}

/**
 * Every evaluation read (the route table's GETs on ratings, commendations and support visits),
 * within Quế Phong's reach (xa-1, b-1) and outside it (`out`: a unit and a branch under Thanh Hóa,
 * and a member there); a list without unitId reads the whole tree.
 */
export const evaluationReads = (out: Outside & { member: string }): { inside: ReadCase[]; outside: ReadCase[] } => ({
  inside: [
    { route: '/ratings', path: '/ratings?unitId=xa-1' },
    { route: '/ratings/:subjectType/:subjectId', path: '/ratings/branch/b-1' },
    { route: '/commendations', path: '/commendations?unitId=xa-1' },
    { route: '/support-visits', path: '/support-visits?unitId=xa-1' },
  ],
  outside: [
    { route: '/ratings', path: `/ratings?unitId=${out.unit}` },
    { route: '/ratings', path: '/ratings?year=2025' },
    { route: '/ratings/:subjectType/:subjectId', path: `/ratings/branch/${out.branch}` },
    { route: '/ratings/:subjectType/:subjectId', path: `/ratings/member/${out.member}` },
    { route: '/ratings/:subjectType/:subjectId', path: `/ratings/officer/${out.member}` },
    { route: '/commendations', path: `/commendations?unitId=${out.unit}` },
    { route: '/commendations', path: '/commendations' },
    { route: '/support-visits', path: `/support-visits?unitId=${out.unit}` },
    { route: '/support-visits', path: '/support-visits' },
  ],
});

/** Who reads evaluation outside Quế Phong: the central administrator, auditors and an unscoped system caller allowed everything. */
export function readsOutside(c: Caller): 200 | 403 {
  return c.roles.includes('central-admin') || c.roles.includes('auditor') || (c.allow?.includes('*') && !c.scopeUnitId) ? 200 : 403;
}
