import { Principal, Role } from './roles';
import { methodsOf, policyOf, PostPeriod, RoutePolicy, RouteRequest, Target } from './route-policies';

/**
 * The port authorisation needs from the organisation service: where a unit or branch sits in the
 * tree *now*. `ancestry` lists unit ids from the target's own unit (the unit itself, or the
 * branch's parent unit) up to the root; undefined when the register does not know the target.
 */
export interface ScopeResolver {
  /** `day`: in the tree in force that day (a past one), not today's. */
  ancestry(target: { kind: 'unit' | 'branch'; id: string }, day?: string): Promise<string[] | undefined>;
  /**
   * The member's home branch now, or on a past `day` (from personnel); undefined when unknown or not
   * a member. `postWithin`: the branch of the last post they held within that period instead (an
   * officer's rating is its post's branch's), their branch on `day` when they held none.
   */
  branchOfMember?(memberId: string, day?: string, postWithin?: PostPeriod): Promise<string | undefined>;
  /**
   * For a unit or branch closed by `day` (today when absent: dissolved, merged, split), the nearest
   * unit open today that holds what it held: a merged unit's successor, a dissolved one's parent (or
   * theirs); null when no open unit does; undefined when the target was open that day, or is not known.
   */
  openUnitOf?(target: { kind: 'unit' | 'branch'; id: string }, day?: string): Promise<string | null | undefined>;
}

export const SCOPE_RESOLVER = Symbol('SCOPE_RESOLVER');


export type Decision =
  | { allowed: true; policy: RoutePolicy }
  | { allowed: false; status: 403; detail: string }
  | { allowed: false; status: 405; detail: string; allow: string[] };

const deny = (detail: string): Decision => ({ allowed: false, status: 403, detail });

/**
 * May this caller do this, here, given the tree as it is now? Only what ROUTE_POLICIES names is
 * allowed: another method on a declared route is a 405 (HEAD is the GET), a route the table does
 * not name a 403, to every caller. A request's ids are checked (MalformedTarget, a 400) before
 * the first look-up in the tree, each distinct place is looked up once, and a caller whose roles
 * cannot perform the action at all is refused without any look-up.
 */
export async function authorise(principal: Principal, method: string, path: string, request: RouteRequest, scopes: ScopeResolver): Promise<Decision> {
  const policy = policyOf(method, path);
  if (!policy) {
    const allow = methodsOf(path);
    if (allow.length > 0) return { allowed: false, status: 405, detail: `${method.toUpperCase()} is not a method of ${path}; it answers ${allow.join(', ')}`, allow };
    return deny(`no route policy names ${method.toUpperCase()} ${path}: refused`);
  }
  if (policy.open || principal.roles.includes('central-admin')) return { allowed: true, policy };
  const roles = principal.roles.filter((r) => policy.roles.includes(r) && (r !== 'system-integrator' || keyMay(principal, policy.action)));
  const lacking = lackedPermission(principal, policy);
  if (roles.length === 0) return deny(lacking ?? `${policy.action} is not allowed to ${principal.roles.join(', ') || 'a caller without a role'}`);
  // Validation first: every id of the request is checked, and every list capped, before any look-up.
  const requested = policy.targets ? distinct(policy.targets(request)) : [];
  if (!policy.targets || (roles.includes('auditor') && policy.method === 'GET')) return { allowed: true, policy };
  // Members are placed at their branches, and closed places at the open units: many become one (500 enrolled from three branches).
  const targets = distinct(await placeToday(distinct(await resolveMembers(requested, scopes)), scopes, policy.method !== 'GET'));
  const chains = new Map<Target, string[] | undefined>();
  // One look-up per target, at once: distributed, each is a call to the organisation service.
  const placed = targets.filter((t): t is Exclude<Target, { kind: 'root' }> & { kind: 'unit' | 'branch' } => t.kind === 'unit' || t.kind === 'branch');
  (await Promise.all(placed.map((t) => scopes.ancestry({ kind: t.kind, id: t.id }, t.placedOn)))).forEach((chain, i) => chains.set(placed[i], chain));
  for (const role of roles) {
    if (roleAllows(role, principal, policy, targets, chains)) return { allowed: true, policy };
  }
  // The route first: an action's name (rating.read) may be shared by routes a caller would not guess (support visits).
  return deny([`${policy.method} ${policy.path} (${policy.action}) reaches outside the caller's scope`, ...(lacking ? [lacking] : [])].join('; '));
}

/**
 * A system's key (or token) whose role could perform the action but was not given it: the refusal
 * names the permission to ask for, not the scope, which is not what is wrong.
 */
function lackedPermission(p: Principal, policy: RoutePolicy): string | undefined {
  if (!p.roles.includes('system-integrator') || !policy.roles.includes('system-integrator') || keyMay(p, policy.action)) return undefined;
  return `this ${p.via === 'api-key' ? 'API key' : 'token'} lacks the permission ${policy.action}`;
}

/** A system's key performs only the actions it was given ('*': all its roles allow). */
const keyMay = (p: Principal, action: string) => (p.allow ?? []).includes('*') || (p.allow ?? []).includes(action);

/** The same place named twice (a merger's sources repeated) is looked up once. */
function distinct(targets: Target[]): Target[] {
  const seen = new Map<string, Target>();
  for (const t of targets) {
    const key = t.kind === 'root' ? 'root' : `${t.kind}:${t.id}:${t.strictlyInside ? 'strict' : ''}:${t.present ? 'present' : (t.on ?? '')}:${t.placedOn ?? ''}`;
    if (!seen.has(key)) seen.set(key, t);
  }
  return [...seen.values()];
}

/**
 * A member is where their home branch is now, or on the day the target names (a rating of a past
 * year, a commendation, a visit: their branch's then, placed today as a write's); one the register
 * does not know stays unplaced (no scoped role reaches it).
 */
async function resolveMembers(targets: Target[], scopes: ScopeResolver): Promise<Target[]> {
  return Promise.all(
    targets.map(async (t): Promise<Target> => {
      if (t.kind !== 'member') return t;
      const branchId = await scopes.branchOfMember?.(t.id, t.on, t.postWithin);
      // Their branch then, in the tree of then (it may have moved since).
      return branchId ? { kind: 'branch', id: branchId, strictlyInside: t.strictlyInside, present: true, ...(t.on === undefined ? {} : { placedOn: t.on }) } : t;
    }),
  );
}

/**
 * A write's targets, today's reads', and every member's, where they are today: a branch or unit
 * closed by today is the nearest open unit's that holds what it held (a merged unit's successor, a
 * dissolved one's parent). The officers of a dissolved commune, and a dissolved branch's secretary,
 * then no longer reach its members left unassigned, nor finish a course it organised; the unit
 * above does (a black-box probe found them keeping every power, writes included). A read of a past
 * day keeps the closed place if it was open that day (its officers read its rosters as they were).
 */
async function placeToday(targets: Target[], scopes: ScopeResolver, write: boolean): Promise<Target[]> {
  if (!scopes.openUnitOf) return targets;
  return Promise.all(
    targets.map(async (t): Promise<Target> => {
      if ((t.kind !== 'unit' && t.kind !== 'branch') || !(write || t.present || t.on !== undefined)) return t;
      const open = await scopes.openUnitOf!({ kind: t.kind, id: t.id }, t.on);
      if (open === undefined) return t;
      // Nothing open holds it: the register's alone (central administrators, unscoped keys).
      if (open === null) return { kind: 'root' };
      // A branch's place is taken over by a unit above it: its officers are above the branch, so reach it.
      return { kind: 'unit', id: open, strictlyInside: t.kind === 'unit' && t.strictlyInside };
    }),
  );
}

function roleAllows(role: Role, p: Principal, policy: RoutePolicy, targets: Target[], chains: Map<Target, string[] | undefined>): boolean {
  // Nothing to place (a body without the fields the DTO requires) is no place inside the scope.
  const inSubtree = (scopeUnitId: string) =>
    targets.length > 0 &&
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
      // Strictly inside: the level above's (a branch's own secretary does not decide its rating).
      return p.scopeBranchId !== undefined && targets.length > 0 && targets.every((t) => t.kind === 'branch' && t.id === p.scopeBranchId && !t.strictlyInside);
    case 'system-integrator':
      return keyMay(p, policy.action) && (p.scopeUnitId === undefined || inSubtree(p.scopeUnitId));
    case 'auditor':
      return policy.method === 'GET'; // reads everything, changes nothing
    default:
      return false;
  }
}
