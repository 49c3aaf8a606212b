/** The roles of the register (see shared/domain.md and issue 8). */
export const ROLES = ['central-admin', 'unit-officer', 'branch-secretary', 'auditor', 'system-integrator'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/**
 * The authenticated caller. Structurally an `Actor` of @register/service-kit (id, roles,
 * scopeUnitId), with what the gateway needs besides.
 */
export interface Principal {
  id: string;
  roles: Role[];
  /** The unit whose subtree the caller acts in (unit-officer; optional for system-integrator). */
  scopeUnitId?: string;
  /** The branch a branch-secretary leads. */
  scopeBranchId?: string;
  /** Actions a system key may perform (system-integrator); '*' for all. */
  allow?: string[];
  /** How the caller proved who it is. */
  via: 'jwt' | 'api-key';
  /** The API key's id, when via is api-key. */
  keyId?: string;
}
