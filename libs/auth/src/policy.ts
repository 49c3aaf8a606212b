import { Principal, Role } from './roles';

/**
 * What a write touches in the tree: a unit, a branch, a member (checked where their home branch
 * is now), or the top of the tree (no parent).
 */
export type Target = { kind: 'unit' | 'branch'; id: string; strictlyInside?: boolean } | { kind: 'member'; id: string } | { kind: 'root' };

/**
 * The port authorisation needs from the organisation service: where a unit or branch sits in the
 * tree *now*. `ancestry` lists unit ids from the target's own unit (the unit itself, or the
 * branch's parent unit) up to the root; undefined when the register does not know the target.
 */
export interface ScopeResolver {
  ancestry(target: { kind: 'unit' | 'branch'; id: string }): Promise<string[] | undefined>;
  /** The member's home branch now (from personnel); undefined when unknown or not a member. */
  branchOfMember?(memberId: string): Promise<string | undefined>;
}

export const SCOPE_RESOLVER = Symbol('SCOPE_RESOLVER');

export interface RouteRequest {
  params: Record<string, string | undefined>;
  body: unknown;
  query?: unknown;
}

export interface RoutePolicy {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The route as Nest declares it, below /api/v1 (e.g. `/units/:id/moves`). */
  path: string;
  action: string;
  /** Roles that may perform the action besides central-admin (subject to scope). */
  roles: Role[];
  /** The units and branches the command touches; absent fields the validation pipe will refuse are left out. */
  targets?: (request: RouteRequest) => Target[];
}

/** An id in a body or path that is not an id: refused as input before any lookup. */
export class MalformedTarget extends Error {
  constructor(readonly field: string) {
    super(`${field} must be an id: letters, digits, _ . : - (at most 100)`);
    this.name = 'MalformedTarget';
  }
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
function idAt(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !ID.test(value)) throw new MalformedTarget(field);
  return value;
}
const unit = (id: string | undefined, strictlyInside = false): Target[] => (id === undefined ? [] : [{ kind: 'unit', id, strictlyInside }]);
const branch = (id: string | undefined): Target[] => (id === undefined ? [] : [{ kind: 'branch', id }]);
const member = (id: string | undefined): Target[] => (id === undefined ? [] : [{ kind: 'member', id }]);
const pathId = (r: RouteRequest) => idAt(r.params.id, 'id');
const body = (r: RouteRequest) => obj(r.body);
const query = (r: RouteRequest) => obj(r.query);

/** Reads need any role; these are the exceptions and every write, with how to find what it touches. */
export const ROUTE_POLICIES: RoutePolicy[] = [
  // units
  {
    method: 'POST', path: '/units', action: 'unit.establish', roles: ['unit-officer', 'system-integrator'],
    targets: (r) => {
      const parent = body(r).parentId;
      return parent === undefined || parent === null ? [{ kind: 'root' }] : unit(idAt(parent, 'parentId'));
    },
  },
  { method: 'POST', path: '/units/:id/moves', action: 'unit.move', roles: ['unit-officer', 'system-integrator'], targets: (r) => [...unit(pathId(r), true), ...unit(idAt(body(r).toParentId, 'toParentId'))] },
  { method: 'POST', path: '/units/:id/renames', action: 'unit.rename', roles: ['unit-officer', 'system-integrator'], targets: (r) => unit(pathId(r)) },
  { method: 'POST', path: '/units/:id/dissolution', action: 'unit.dissolve', roles: ['unit-officer', 'system-integrator'], targets: (r) => unit(pathId(r), true) },
  // branches
  { method: 'POST', path: '/branches', action: 'branch.establish', roles: ['unit-officer', 'system-integrator'], targets: (r) => unit(idAt(body(r).parentUnitId, 'parentUnitId')) },
  { method: 'POST', path: '/branches/:id/moves', action: 'branch.move', roles: ['unit-officer', 'system-integrator'], targets: (r) => [...branch(pathId(r)), ...unit(idAt(body(r).toUnitId, 'toUnitId'))] },
  { method: 'POST', path: '/branches/:id/renames', action: 'branch.rename', roles: ['unit-officer', 'branch-secretary', 'system-integrator'], targets: (r) => branch(pathId(r)) },
  { method: 'POST', path: '/branches/:id/dissolution', action: 'branch.dissolve', roles: ['unit-officer', 'system-integrator'], targets: (r) => branch(pathId(r)) },
  // reorganisation
  {
    method: 'POST', path: '/branch-mergers', action: 'branch.merge', roles: ['unit-officer', 'system-integrator'],
    targets: (r) => {
      const b = body(r);
      const sources = Array.isArray(b.sourceBranchIds) ? b.sourceBranchIds.flatMap((id, i) => branch(idAt(id, `sourceBranchIds.${i}`))) : [];
      const into = obj(b.into);
      return [...sources, ...branch(idAt(into.branchId, 'into.branchId')), ...unit(idAt(into.parentUnitId, 'into.parentUnitId'))];
    },
  },
  {
    method: 'POST', path: '/branch-splits', action: 'branch.split', roles: ['unit-officer', 'system-integrator'],
    targets: (r) => {
      const b = body(r);
      const parts = Array.isArray(b.parts) ? b.parts.flatMap((p, i) => unit(idAt(obj(p).parentUnitId, `parts.${i}.parentUnitId`))) : [];
      return [...branch(idAt(b.sourceBranchId, 'sourceBranchId')), ...parts];
    },
  },
  // members (personnel): admissions and transfers are the level above's; a branch secretary
  // records what happens in their own branch (away and back, introductions to the Party).
  { method: 'POST', path: '/members', action: 'member.admit', roles: ['unit-officer', 'system-integrator'], targets: (r) => branch(idAt(body(r).branchId, 'branchId')) },
  { method: 'POST', path: '/members/:id/transfers', action: 'member.transfer', roles: ['unit-officer', 'system-integrator'], targets: (r) => [...member(pathId(r)), ...branch(idAt(body(r).toBranchId, 'toBranchId'))] },
  { method: 'POST', path: '/members/:id/status-changes', action: 'member.change-status', roles: ['unit-officer', 'branch-secretary', 'system-integrator'], targets: (r) => member(pathId(r)) },
  {
    method: 'POST', path: '/members/:id/residential-affiliations', action: 'member.affiliate', roles: ['unit-officer', 'branch-secretary', 'system-integrator'],
    targets: (r) => [...member(pathId(r)), ...branch(idAt(body(r).branchId ?? undefined, 'branchId'))],
  },
  { method: 'POST', path: '/members/:id/party-introductions', action: 'member.introduce-to-party', roles: ['unit-officer', 'branch-secretary', 'system-integrator'], targets: (r) => member(pathId(r)) },
  { method: 'POST', path: '/members/:id/party-introduction-outcomes', action: 'member.record-party-outcome', roles: ['unit-officer', 'system-integrator'], targets: (r) => member(pathId(r)) },
  // Erasure under the personal-data law: an officer of the level above, never a system key.
  { method: 'POST', path: '/members/:id/personal-data-erasure', action: 'member.erase-personal-data', roles: ['unit-officer'], targets: (r) => member(pathId(r)) },
  // branch officers (personnel)
  { method: 'POST', path: '/branches/:id/officer-appointments', action: 'officer.appoint', roles: ['unit-officer', 'system-integrator'], targets: (r) => branch(pathId(r)) },
  { method: 'POST', path: '/branches/:id/officer-departures', action: 'officer.depart', roles: ['unit-officer', 'system-integrator'], targets: (r) => branch(pathId(r)) },
  // reads of members' personal data (Law 91/2025): within the caller's scope; auditors read all;
  // a system key needs member.read. A list without branchId spans the whole register.
  ...['/members/:id', '/members/:id/history', '/members/:id/career', '/members/:id/personal-data-reads'].map(
    (path): RoutePolicy => ({ method: 'GET', path, action: 'member.read', roles: ['unit-officer', 'branch-secretary', 'system-integrator', 'auditor'], targets: (r) => member(pathId(r)) }),
  ),
  {
    method: 'GET', path: '/members', action: 'member.read', roles: ['unit-officer', 'branch-secretary', 'system-integrator', 'auditor'],
    targets: (r) => (query(r).branchId === undefined ? [{ kind: 'root' }] : branch(idAt(query(r).branchId, 'branchId'))),
  },
  // audit: auditors and central administrators only
  { method: 'GET', path: '/audit/events', action: 'audit.read', roles: ['auditor'] },
  { method: 'GET', path: '/audit/entities/:type/:id/history', action: 'audit.read', roles: ['auditor'] },
];

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const byRoute = new Map(ROUTE_POLICIES.map((p) => [`${p.method} ${p.path}`, p]));

export function policyOf(method: string, path: string): RoutePolicy | undefined {
  return byRoute.get(`${method.toUpperCase()} ${path}`);
}

const patterns = ROUTE_POLICIES.map((p) => ({
  policy: p,
  names: [...p.path.matchAll(/:(\w+)/g)].map((m) => m[1]),
  regex: new RegExp(`^${p.path.replace(/:\w+/g, '([^/]+)')}$`),
}));

/**
 * For a gateway that forwards requests it does not route itself: the declared route of a concrete
 * path (`/units/xa-1/moves` → `/units/:id/moves`) with its parameters, when the table has one.
 */
export function matchRoute(method: string, path: string): { route: string; params: Record<string, string> } | undefined {
  const verb = method.toUpperCase();
  for (const { policy, names, regex } of patterns) {
    if (policy.method !== verb) continue;
    const m = regex.exec(path);
    if (!m) continue;
    let params: Record<string, string>;
    try {
      params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    } catch {
      return undefined;
    }
    return { route: policy.path, params };
  }
  return undefined;
}

export type Decision = { allowed: true } | { allowed: false; status: 403; detail: string };

const deny = (detail: string): Decision => ({ allowed: false, status: 403, detail });

/**
 * May this caller do this, here, given the tree as it is now? Reads without a policy need any
 * role; a write without a policy is for central administrators only (deny by default).
 */
export async function authorise(principal: Principal, method: string, path: string, request: RouteRequest, scopes: ScopeResolver): Promise<Decision> {
  const policy = policyOf(method, path);
  if (!policy) {
    if (!WRITE.has(method.toUpperCase())) return { allowed: true };
    return principal.roles.includes('central-admin') ? { allowed: true } : deny(`${method} ${path} is for central administrators only`);
  }
  if (principal.roles.includes('central-admin')) return { allowed: true };
  const roles = principal.roles.filter((r) => policy.roles.includes(r));
  if (roles.length === 0) return deny(`${policy.action} is not allowed to ${principal.roles.join(', ')}`);
  if (!policy.targets) return { allowed: true };
  const targets = await resolveMembers(policy.targets(request), scopes);
  const chains = new Map<Target, string[] | undefined>();
  // One look-up per target, at once: distributed, each is a call to the organisation service.
  const placed = targets.filter((t): t is Extract<Target, { kind: 'unit' | 'branch' }> => t.kind === 'unit' || t.kind === 'branch');
  (await Promise.all(placed.map((t) => scopes.ancestry(t)))).forEach((chain, i) => chains.set(placed[i], chain));
  for (const role of roles) {
    if (roleAllows(role, principal, policy, targets, chains)) return { allowed: true };
  }
  return deny(`${policy.action} reaches outside the caller's scope`);
}

/** A member is where their home branch is now; one the register does not know stays unplaced (no scoped role reaches it). */
async function resolveMembers(targets: Target[], scopes: ScopeResolver): Promise<Target[]> {
  return Promise.all(
    targets.map(async (t): Promise<Target> => {
      if (t.kind !== 'member') return t;
      const branchId = await scopes.branchOfMember?.(t.id);
      return branchId ? { kind: 'branch', id: branchId } : t;
    }),
  );
}

function roleAllows(role: Role, p: Principal, policy: RoutePolicy, targets: Target[], chains: Map<Target, string[] | undefined>): boolean {
  const inSubtree = (scopeUnitId: string) =>
    targets.every((t) => {
      if (t.kind === 'root' || t.kind === 'member') return false;
      const chain = chains.get(t);
      if (!chain) return false;
      const i = chain.indexOf(scopeUnitId);
      return i > 0 || (i === 0 && !(t.kind === 'unit' && t.strictlyInside));
    });
  switch (role) {
    case 'unit-officer':
      return p.scopeUnitId !== undefined && inSubtree(p.scopeUnitId);
    case 'branch-secretary':
      return p.scopeBranchId !== undefined && targets.length > 0 && targets.every((t) => t.kind === 'branch' && t.id === p.scopeBranchId);
    case 'system-integrator': {
      const allow = p.allow ?? [];
      if (!allow.includes('*') && !allow.includes(policy.action)) return false;
      return p.scopeUnitId === undefined || inSubtree(p.scopeUnitId);
    }
    case 'auditor':
      return policy.method === 'GET'; // reads everything, changes nothing
    default:
      return false;
  }
}
