import { deciderOf, ConflictError, RuleViolation } from '@register/event-sourcing';
import { OrganisationEvent, ResidentialArea } from '@register/contracts';
import { Structure, structureAggregate } from '../domain/structure';
import { activeBranch, activeUnit, checkBranchNameFree } from '../domain/rules';

/**
 * Sáp nhập (absorb into an existing branch) or hợp nhất (combine into a new one): the sources
 * close, and the successor records them as predecessors.
 */
export type MergeBranches = {
  type: 'MergeBranches';
  mergerId: string;
  sourceBranchIds: string[];
  /** `ifVersion`: If-Match, the version of the branch merged into as read (GET /branches/{id}'s ETag). */
  into: { branchId: string; ifVersion?: number } | { newBranchId: string; name: string; area: ResidentialArea | null; parentUnitId?: string };
};

/** The MergeBranches decisions over the structure. */
export const mergeDecider = deciderOf(structureAggregate, decideMerge);

export function decideMerge(c: MergeBranches, s: Structure): OrganisationEvent[] {
  if (c.sourceBranchIds.length === 0) throw new RuleViolation('merge-needs-a-source', 'a merger needs at least one source branch');
  if (new Set(c.sourceBranchIds).size !== c.sourceBranchIds.length) throw new RuleViolation('merge-sources-repeated', 'a source branch is listed twice');
  if ('branchId' in c.into && c.sourceBranchIds.includes(c.into.branchId)) {
    throw new RuleViolation('merge-into-itself', `branch ${c.into.branchId} cannot be merged into itself`);
  }
  const sources = c.sourceBranchIds.map((id) => activeBranch(s, id, 'source-branch'));
  if ('branchId' in c.into) {
    activeBranch(s, c.into.branchId, 'target-branch', c.into.ifVersion);
    return [{ type: 'BranchesMerged', data: { mergerId: c.mergerId, sourceBranchIds: c.sourceBranchIds, intoBranchId: c.into.branchId, intoNewBranch: false } }];
  }
  if (c.sourceBranchIds.length < 2) throw new RuleViolation('merge-needs-two-sources', 'combining into a new branch needs at least two source branches');
  if (s.branches.has(c.into.newBranchId)) throw new ConflictError('branch-id-taken', `branch ${c.into.newBranchId} already exists`);
  const parentUnitId = c.into.parentUnitId ?? sources[0].parentUnitId;
  activeUnit(s, parentUnitId, 'parent-unit');
  checkBranchNameFree(s, parentUnitId, c.into.name, c.sourceBranchIds);
  // Hamlets combined are a hamlet: without an area the successor would drop out of the residential
  // counts, the summary and the secretaries' training compliance.
  if (!c.into.area && sources.every((b) => b.area)) {
    throw new RuleViolation('successor-area-required', 'residential branches combine into a residential branch: give into.area (the merged hamlet or residential group)');
  }
  return [
    { type: 'BranchEstablished', data: { branchId: c.into.newBranchId, parentUnitId, name: c.into.name, area: c.into.area, predecessorIds: c.sourceBranchIds } },
    { type: 'BranchesMerged', data: { mergerId: c.mergerId, sourceBranchIds: c.sourceBranchIds, intoBranchId: c.into.newBranchId, intoNewBranch: true } },
  ];
}
