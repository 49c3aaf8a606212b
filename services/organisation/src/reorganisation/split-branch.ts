import { deciderOf, ConflictError, RuleViolation } from '@register/event-sourcing';
import { OrganisationEvent, ResidentialArea } from '@register/contracts';
import { Structure, structureAggregate } from '../domain/structure';
import { likenessOf, looksAlike, NameLikeness } from '@register/text';
import { activeBranch, activeUnit, checkBranchNameFree } from '../domain/rules';

export interface SplitPart {
  branchId: string;
  name: string;
  area: ResidentialArea | null;
  parentUnitId?: string;
  /** The members who go to this successor. */
  memberIds: string[];
}

/**
 * Chia tách: one branch closes and two or more new branches succeed it, its members divided by the
 * given lists. `knownMemberIds` is what this service has learnt from personnel's events about the
 * source's members; when it knows any, every listed member must be one of them.
 */
export type SplitBranch = { type: 'SplitBranch'; splitId: string; sourceBranchId: string; parts: SplitPart[]; knownMemberIds?: string[] };

/** The SplitBranch decisions over the structure. */
export const splitDecider = deciderOf(structureAggregate, decideSplit);

export function decideSplit(c: SplitBranch, s: Structure): OrganisationEvent[] {
  const source = activeBranch(s, c.sourceBranchId, 'source-branch');
  if (c.parts.length < 2) throw new RuleViolation('split-needs-two-parts', 'a split needs at least two successor branches');
  const listed = c.parts.flatMap((p) => p.memberIds);
  if (new Set(listed).size !== listed.length) throw new RuleViolation('split-member-in-two-parts', 'a member is listed in more than one successor');
  const known = new Set(c.knownMemberIds ?? []);
  const strangers = known.size ? listed.filter((m) => !known.has(m)) : [];
  if (strangers.length) throw new RuleViolation('split-member-not-in-branch', `members ${strangers.slice(0, 10).join(', ')} are not members of branch ${source.name}`);
  const named: NameLikeness[] = [];
  for (const part of c.parts) {
    if (s.branches.has(part.branchId)) throw new ConflictError('branch-id-taken', `branch ${part.branchId} already exists`);
    const parentUnitId = part.parentUnitId ?? source.parentUnitId;
    activeUnit(s, parentUnitId, 'parent-unit');
    checkBranchNameFree(s, parentUnitId, part.name, [source.id]);
    const likeness = likenessOf(part.name);
    if (named.some((other) => looksAlike(other, likeness))) throw new RuleViolation('split-parts-share-a-name', `two successors are both named "${part.name}"`);
    named.push(likeness);
  }
  return [
    ...c.parts.map(
      (p): OrganisationEvent => ({
        type: 'BranchEstablished',
        data: { branchId: p.branchId, parentUnitId: p.parentUnitId ?? source.parentUnitId, name: p.name, area: p.area, predecessorIds: [source.id] },
      }),
    ),
    { type: 'BranchSplit', data: { splitId: c.splitId, sourceBranchId: source.id, parts: c.parts.map((p) => ({ branchId: p.branchId, memberIds: p.memberIds })) } },
  ];
}
