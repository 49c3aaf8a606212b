import { deciderOf, ConflictError, RuleViolation } from '@register/event-sourcing';
import { OrganisationEvent, ResidentialArea } from '@register/contracts';
import { Structure, structureAggregate } from '../domain/structure';
import { activeBranch, activeUnit, checkBranchNameFree } from '../domain/rules';

/** `parentIfVersion`: If-Match, the version of the parent unit as read (GET /units/{id}'s ETag). */
export type EstablishBranch = { type: 'EstablishBranch'; branchId: string; parentUnitId: string; name: string; area: ResidentialArea | null; parentIfVersion?: number };
export type RenameBranch = { type: 'RenameBranch'; branchId: string; name: string; area?: ResidentialArea | null; ifVersion?: number };
export type MoveBranch = { type: 'MoveBranch'; branchId: string; toUnitId: string; ifVersion?: number };
/** `arrivals`: members whose transfer into it takes effect after the dissolution's day (from personnel's events). */
export type DissolveBranch = { type: 'DissolveBranch'; branchId: string; ifVersion?: number; arrivals?: string[] };
export type BranchCommand = EstablishBranch | RenameBranch | MoveBranch | DissolveBranch;

/** The BranchCommand decisions over the structure. */
export const branchDecider = deciderOf(structureAggregate, decideBranch);

export function decideBranch(c: BranchCommand, s: Structure): OrganisationEvent[] {
  switch (c.type) {
    case 'EstablishBranch': {
      if (s.branches.has(c.branchId)) throw new ConflictError('branch-id-taken', `branch ${c.branchId} already exists`);
      activeUnit(s, c.parentUnitId, 'parent-unit', c.parentIfVersion);
      checkBranchNameFree(s, c.parentUnitId, c.name);
      return [{ type: 'BranchEstablished', data: { branchId: c.branchId, parentUnitId: c.parentUnitId, name: c.name, area: c.area, predecessorIds: [] } }];
    }
    case 'RenameBranch': {
      const branch = activeBranch(s, c.branchId, 'branch', c.ifVersion);
      const area = c.area === undefined ? branch.area : c.area;
      if (branch.name === c.name && JSON.stringify(area) === JSON.stringify(branch.area)) return [];
      checkBranchNameFree(s, branch.parentUnitId, c.name, [branch.id]);
      return [{ type: 'BranchRenamed', data: { branchId: branch.id, name: c.name, previousName: branch.name, area } }];
    }
    case 'MoveBranch': {
      const branch = activeBranch(s, c.branchId, 'branch', c.ifVersion);
      if (branch.parentUnitId === c.toUnitId) return [];
      activeUnit(s, c.toUnitId, 'parent-unit');
      checkBranchNameFree(s, c.toUnitId, branch.name);
      return [{ type: 'BranchMoved', data: { branchId: branch.id, fromUnitId: branch.parentUnitId, toUnitId: c.toUnitId } }];
    }
    case 'DissolveBranch': {
      const branch = activeBranch(s, c.branchId, 'branch', c.ifVersion);
      // A transfer into it recorded already, dated later: the member would arrive in a closed branch (a probe found them so).
      if (c.arrivals?.length) {
        throw new RuleViolation('branch-has-arrivals', `branch ${branch.name} has members whose transfer into it takes effect after the dissolution's day (${c.arrivals.slice(0, 10).join(', ')}): transfer them elsewhere first, or date the dissolution on or after their arrival`, { memberIds: c.arrivals.slice(0, 100) });
      }
      return [{ type: 'BranchDissolved', data: { branchId: branch.id } }];
    }
  }
}
