import { skeleton } from '@register/text';
import { isRole, Principal, Role } from './roles';

export class InvalidCredentials extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCredentials';
  }
}

/** The register's ids (units, branches), as the API checks them: what a scope must be. */
const SCOPE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
const MAX_ENTRIES = 100;

/*
 * A claim that is absent means "not given"; a claim that is present must be well-formed. Reading a
 * malformed scope as absent would widen it to the whole register (issue 14, hole 3), so every check
 * below throws instead of dropping what it cannot read.
 */

/** scope_unit, scope_branch: an id of the register, or absent. */
export function scopeClaim(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !SCOPE_ID.test(value)) throw new InvalidCredentials(`the ${name} claim is not an id of this register`);
  return value;
}

/** allow: a list of action names ('*' for all), or absent. */
export function allowClaim(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const wellFormed = Array.isArray(value) && value.length <= MAX_ENTRIES && value.every((a) => typeof a === 'string' && a.length > 0 && a.length <= 100);
  if (!wellFormed) throw new InvalidCredentials('the allow claim must be a list of action names');
  return value as string[];
}

/** roles (a list) or role (one name): the roles of this register among them; names of other systems' roles are ignored. */
export function rolesClaim(roles: unknown, role?: unknown): Role[] {
  if (role !== undefined && typeof role !== 'string') throw new InvalidCredentials('the role claim must be a role name');
  const given = roles !== undefined ? roles : role !== undefined ? [role] : [];
  if (!Array.isArray(given) || given.length > MAX_ENTRIES || !given.every((r) => typeof r === 'string')) {
    throw new InvalidCredentials('the roles claim must be a list of role names');
  }
  const known = given.filter(isRole);
  if (known.length === 0) throw new InvalidCredentials('the token grants no role of this register');
  return known;
}

/** The prefix of every API key's caller id (api-keys.ts): reserved, no bearer token's subject. */
export const SYSTEM_PREFIX = 'system:';

/** Whether a subject would read as a system's in the logs: system: in any case, look-alike letters (Cyrillic ѕ) or width, spaces and invisible characters aside. */
export const namesSystem = (sub: string) => skeleton(sub.normalize('NFKC').replace(/[\p{Cf}\p{Z}\s]/gu, '').toLowerCase()).startsWith(skeleton(SYSTEM_PREFIX));

/** Claims we read: sub; roles (array) or role; scope_unit; scope_branch; allow. */
export function principalFromClaims(payload: Record<string, unknown>): Principal {
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) throw new InvalidCredentials('the token names no subject');
  // A subject is an identifier: shown in every log as it is, it must not hide characters or spaces.
  if (/[\p{Cf}\p{Cc}]/u.test(sub) || sub !== sub.trim()) throw new InvalidCredentials("the token's subject holds invisible characters or spaces at its ends");
  // `system:` names an API key's caller in every log: a person's token may not pass for one.
  if (namesSystem(sub)) throw new InvalidCredentials(`the token's subject may not begin with "${SYSTEM_PREFIX}", which names a system's API key`);
  const principal: Principal = {
    id: sub,
    roles: rolesClaim(payload.roles, payload.role),
    scopeUnitId: scopeClaim(payload.scope_unit, 'scope_unit'),
    scopeBranchId: scopeClaim(payload.scope_branch, 'scope_branch'),
    allow: allowClaim(payload.allow),
    via: 'jwt',
  };
  checkBranchScope(principal);
  return principal;
}

/**
 * A system's credential is scoped by a unit (scope_unit) or not at all; only a branch secretary's by
 * a branch. A system-integrator token with scope_branch alone read as unscoped: it read and changed
 * the whole register (a black-box probe). Refused rather than guessed at.
 */
function checkBranchScope(p: Principal): void {
  if (p.scopeBranchId !== undefined && p.scopeUnitId === undefined && p.roles.includes('system-integrator')) {
    throw new InvalidCredentials('a system-integrator token is scoped by scope_unit, not scope_branch: scope_branch alone would leave it unscoped');
  }
}
