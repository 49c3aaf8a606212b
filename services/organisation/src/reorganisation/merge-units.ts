import { deciderOf, ConflictError, RuleViolation } from '@register/event-sourcing';
import { OrganisationEvent, UnitKind } from '@register/contracts';
import { likenessOf, looksAlike, NameLikeness } from '@register/text';
import { Structure, structureAggregate, Unit } from '../domain/structure';
import { activeChildren, activeUnit, checkKindOrder, childrenOpenOn, isInSubtree } from '../domain/rules';

/**
 * Communes (grassroots unions) or provinces combine (the 2025 reform): into an existing unit of
 * their kind (sáp nhập) or into a new one (hợp nhất). Each source's active child units (a
 * province's district and grassroots unions) and branches move to the successor, and the sources
 * end, merged, naming it.
 */
export type MergeUnits = {
  type: 'MergeUnits';
  mergerId: string;
  sourceUnitIds: string[];
  into: { unitId: string; ifVersion?: number } | { newUnitId: string; name: string; kind: UnitKind; parentId: string };
  /**
   * The day it takes effect. A merger recorded late also moves the sources' children closed since
   * (branches merged after that day were under the successor until they closed); without it, the
   * active children alone.
   */
  on?: string;
};

/** What may merge: communes and provinces. Districts were abolished, not merged; the central committee is one. */
const MERGEABLE: UnitKind[] = ['grassroots', 'province'];

/** The MergeUnits decisions over the structure. */
export const unitMergeDecider = deciderOf(structureAggregate, decideUnitMerge);

/** A merger whose successor would hold two active branches of one name is refused: rename one first. */
export function decideUnitMerge(c: MergeUnits, s: Structure): OrganisationEvent[] {
  const events = unitMergeEvents(c, s);
  const clashes = branchNameClashes(c, s);
  if (clashes.length) {
    throw new ConflictError('branch-name-taken', `the successor would hold two active branches named ${clashes.map((k) => `"${k.name}"`).join(', ')}: rename one of each pair first, with an effectiveDate on or before ${c.on} (a rename dated later would come after the merger, which then cannot be dated before it)`, {
      branchNameClashes: clashes,
    });
  }
  return events;
}

/** Every rule of a unit merger but the branch names, which a dry run lists instead of refusing. */
export function unitMergeEvents(c: MergeUnits, s: Structure): OrganisationEvent[] {
  const sources = checkSources(c, s);
  const kind = sources[0].kind;
  const intoUnitId = 'unitId' in c.into ? c.into.unitId : c.into.newUnitId;
  const established = 'unitId' in c.into ? checkExistingTarget(c.into, s, sources, kind) : establishTarget(c.into, s, sources, kind);
  const moves = sources.flatMap((source): OrganisationEvent[] => {
    const { units, branches } = childrenOpenOn(s, source.id, c.on);
    return [
      ...units.map((u): OrganisationEvent => ({ type: 'UnitMoved', data: { unitId: u.id, fromParentId: source.id, toParentId: intoUnitId } })),
      ...branches.map((b): OrganisationEvent => ({ type: 'BranchMoved', data: { branchId: b.id, fromUnitId: source.id, toUnitId: intoUnitId } })),
    ];
  });
  const merged: OrganisationEvent = { type: 'UnitsMerged', data: { mergerId: c.mergerId, sourceUnitIds: c.sourceUnitIds, intoUnitId, intoNewUnit: established.length > 0 } };
  return [...established, ...moves, merged];
}

function checkSources(c: MergeUnits, s: Structure): Unit[] {
  if (c.sourceUnitIds.length === 0) throw new RuleViolation('merge-needs-a-source', 'a merger needs at least one source unit');
  if (new Set(c.sourceUnitIds).size !== c.sourceUnitIds.length) throw new RuleViolation('merge-sources-repeated', 'a source unit is listed twice');
  if ('unitId' in c.into && c.sourceUnitIds.includes(c.into.unitId)) throw new RuleViolation('merge-into-itself', `unit ${c.into.unitId} cannot be merged into itself`);
  if ('newUnitId' in c.into && c.sourceUnitIds.length < 2) throw new RuleViolation('merge-needs-two-sources', 'combining into a new unit needs at least two source units');
  const sources = c.sourceUnitIds.map((id) => activeUnit(s, id, 'source-unit'));
  for (const u of sources) {
    if (!MERGEABLE.includes(u.kind)) throw new RuleViolation('unit-kind-not-mergeable', `${u.name} is a ${u.kind} unit: only grassroots unions (communes) and provinces merge`, { unitId: u.id });
  }
  if (new Set(sources.map((u) => u.kind)).size > 1) throw new RuleViolation('merge-sources-of-different-kinds', `the sources are of different kinds (${sources.map((u) => `${u.name}: ${u.kind}`).join(', ')})`);
  // A grassroots sub-union under another source is a level below it, not its peer.
  const nested = sources.find((u) => sources.some((other) => other !== u && isInSubtree(s, other.id, u.id)));
  if (nested) throw new RuleViolation('merge-sources-nested', `${nested.name} lies under another source: only units of one level merge`, { unitId: nested.id });
  return sources;
}

function checkExistingTarget(into: { unitId: string; ifVersion?: number }, s: Structure, sources: Unit[], kind: UnitKind): OrganisationEvent[] {
  const target = activeUnit(s, into.unitId, 'target-unit', into.ifVersion);
  if (target.kind !== kind) throw new RuleViolation('merge-target-of-another-kind', `${target.name} is a ${target.kind} unit; the sources are ${kind} units`, { unitId: target.id });
  refuseInsideSource(s, sources, target.id, 'target-unit');
  return [];
}

function establishTarget(into: { newUnitId: string; name: string; kind: UnitKind; parentId: string }, s: Structure, sources: Unit[], kind: UnitKind): OrganisationEvent[] {
  if (s.units.has(into.newUnitId)) throw new ConflictError('unit-id-taken', `unit ${into.newUnitId} already exists`);
  if (into.kind !== kind) throw new RuleViolation('merge-target-of-another-kind', `the new unit would be a ${into.kind} unit; the sources are ${kind} units`);
  const parent = activeUnit(s, into.parentId, 'parent-unit');
  refuseInsideSource(s, sources, parent.id, 'parent-unit');
  checkKindOrder(parent, kind);
  return [{ type: 'UnitEstablished', data: { unitId: into.newUnitId, kind, name: into.name, parentId: parent.id } }];
}

/** The successor, or the new one's parent, inside a source would end with its own ancestor. */
function refuseInsideSource(s: Structure, sources: Unit[], unitId: string, role: string) {
  const source = sources.find((u) => isInSubtree(s, u.id, unitId));
  if (source) throw new RuleViolation('merge-target-inside-source', `the ${role} ${unitId} lies inside source ${source.name}, which the merger ends`, { unitId, sourceUnitId: source.id });
}

export interface BranchNameClash {
  name: string;
  branchIds: string[];
}

/** Active branches that would sit side by side in the successor under names a reader takes for one. */
export function branchNameClashes(c: MergeUnits, s: Structure): BranchNameClash[] {
  const target = 'unitId' in c.into ? [c.into.unitId] : [];
  const side = [...target, ...c.sourceUnitIds].flatMap((id) => activeChildren(s, id).branches);
  const clashes: BranchNameClash[] = [];
  const seen: Array<{ likeness: NameLikeness; clash: BranchNameClash }> = [];
  for (const b of side) {
    const likeness = likenessOf(b.name);
    const earlier = seen.find((x) => looksAlike(x.likeness, likeness));
    if (!earlier) seen.push({ likeness, clash: { name: b.name, branchIds: [b.id] } });
    else if (earlier.clash.branchIds.push(b.id) === 2) clashes.push(earlier.clash);
  }
  return clashes;
}
