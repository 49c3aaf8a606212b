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
 * source's members; when it knows any, every listed member must be one of them, or one of
 * `formerMemberIds`: those in the branch on the split's day or since who have moved to another
 * branch since (a split recorded late). Each of those must be listed: personnel restates their
 * days between in their part, where otherwise they would stay in the closed branch.
 */
/** `ifVersion`: If-Match, the version of the branch split as read (GET /branches/{id}'s ETag). */
export type SplitBranch = { type: 'SplitBranch'; splitId: string; sourceBranchId: string; parts: SplitPart[]; knownMemberIds: string[]; formerMemberIds?: string[]; ifVersion?: number };

/** Members of the split's day who have moved since and no part lists (the split refuses them: `split-former-member-unlisted`). */
export const formerMembersUnlistedBy = (c: SplitBranch): string[] => {
  const listed = new Set(c.parts.flatMap((p) => p.memberIds));
  return (c.formerMemberIds ?? []).filter((m) => !listed.has(m));
};

/** The SplitBranch decisions over the structure. */
export const splitDecider = deciderOf(structureAggregate, decideSplit);

/** Successors that would get none of the source's known members. */
export const emptySuccessorsOf = (c: SplitBranch): SplitPart[] => {
  const known = new Set(c.knownMemberIds);
  return c.parts.filter((p) => !p.memberIds.some((m) => known.has(m)));
};

/** The source's known members that no part lists: they stay behind in a closed branch. */
export const membersUnassignedBy = (c: SplitBranch): string[] => {
  const listed = new Set(c.parts.flatMap((p) => p.memberIds));
  return c.knownMemberIds.filter((m) => !listed.has(m));
};

/** A split whose every successor has members: a branch without members must not exist after a reorganisation. */
export function decideSplit(c: SplitBranch, s: Structure): OrganisationEvent[] {
  const events = splitEvents(c, s);
  const empty = emptySuccessorsOf(c);
  if (!c.knownMemberIds.length) {
    const source = s.branches.get(c.sourceBranchId)!;
    throw new RuleViolation(
      'empty-successor',
      `branch ${source.name} has no members known to this service (none, or personnel has not yet published them), so a split would only make empty successors`,
      { emptySuccessorIds: empty.map((p) => p.branchId) },
    );
  }
  const unlisted = formerMembersUnlistedBy(c);
  if (unlisted.length) {
    throw new RuleViolation('split-former-member-unlisted', `members ${unlisted.slice(0, 10).join(', ')} were in the branch on the split's day and have moved to another branch since: list each in the part they belonged to`, { memberIds: unlisted });
  }
  if (empty.length) {
    throw new RuleViolation('empty-successor', `successor ${empty.map((p) => p.name).join(', ')} would get no member: give it members, or leave it out of the split`, {
      emptySuccessorIds: empty.map((p) => p.branchId),
    });
  }
  return events;
}

/** Every rule of a split but the empty successors, which a dry run lists instead of refusing. */
export function splitEvents(c: SplitBranch, s: Structure): OrganisationEvent[] {
  const source = activeBranch(s, c.sourceBranchId, 'source-branch', c.ifVersion);
  if (c.parts.length < 2) throw new RuleViolation('split-needs-two-parts', 'a split needs at least two successor branches');
  const listed = c.parts.flatMap((p) => p.memberIds);
  if (new Set(listed).size !== listed.length) throw new RuleViolation('split-member-in-two-parts', 'a member is listed in more than one successor');
  const known = new Set([...c.knownMemberIds, ...(c.formerMemberIds ?? [])]);
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
