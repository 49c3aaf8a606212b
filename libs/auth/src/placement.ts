import { ScopeResolver } from './policy';

/**
 * The ports through which authorisation learns where things sit, each provided by the service
 * that owns the fact, in its own module: organisation places units and branches in the tree,
 * personnel places members in their branches. The gateway finds them in the same process
 * (embedded); distributed, it asks the services over HTTP instead. No service imports another.
 */
export type UnitPlacement = Pick<ScopeResolver, 'ancestry' | 'openUnitOf'>;
export type MemberPlacement = Required<Pick<ScopeResolver, 'branchOfMember'>>;

export const UNIT_PLACEMENT = Symbol.for('union-register.unit-placement');
export const MEMBER_PLACEMENT = Symbol.for('union-register.member-placement');
