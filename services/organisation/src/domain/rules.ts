import { ConflictError, NotFoundError, RuleViolation, WrongExpectedRevisionError } from '@register/event-sourcing';
import { STRUCTURE_STREAM, UnitKind } from '@register/contracts';
import { likenessOf, looksAlike } from '@register/text';
import { Branch, Structure, Unit } from './structure';

/** The unit addressed by a command: 404 when unknown. */
export function unitOf(s: Structure, unitId: string, ifVersion?: number): Unit {
  const unit = s.units.get(unitId);
  if (!unit) throw new NotFoundError('unit', unitId);
  checkVersion(`unit ${unitId}`, unit.version, ifVersion);
  return unit;
}

/**
 * A unit that a change may touch. Unknown, the unit the command addresses (`role` 'unit', its id in
 * the path) is 404, as api.md has it for an unknown id; one the command refers to (a parent, a
 * source) is a refused change, 422.
 */
export function activeUnit(s: Structure, unitId: string, role = 'unit', ifVersion?: number): Unit {
  const unit = s.units.get(unitId);
  if (!unit && role === 'unit') throw new NotFoundError('unit', unitId);
  if (!unit) throw new RuleViolation(`${role}-unknown`, `${role} ${unitId} does not exist`, { unitId });
  checkVersion(`unit ${unitId}`, unit.version, ifVersion);
  if (unit.status === 'merged') {
    throw new RuleViolation(`${role}-merged`, `${role} ${unitId} (${unit.name}) was merged into ${unit.successorIds.join(', ')} on ${unit.dissolvedOn}`, { unitId, successorIds: unit.successorIds });
  }
  if (unit.status !== 'active') throw new RuleViolation(`${role}-dissolved`, `${role} ${unitId} (${unit.name}) was dissolved on ${unit.dissolvedOn}`, { unitId });
  return unit;
}

export function branchOf(s: Structure, branchId: string, ifVersion?: number): Branch {
  const branch = s.branches.get(branchId);
  if (!branch) throw new NotFoundError('branch', branchId);
  checkVersion(`branch ${branchId}`, branch.version, ifVersion);
  return branch;
}

/** A branch that a change may touch: it exists and has not been merged, split or dissolved (unknown: as activeUnit). */
export function activeBranch(s: Structure, branchId: string, role = 'branch', ifVersion?: number): Branch {
  const branch = s.branches.get(branchId);
  if (!branch && role === 'branch') throw new NotFoundError('branch', branchId);
  if (!branch) throw new RuleViolation(`${role}-unknown`, `${role} ${branchId} does not exist`, { branchId });
  checkVersion(`branch ${branchId}`, branch.version, ifVersion);
  if (branch.status !== 'active') {
    throw new RuleViolation('branch-not-active', `branch ${branchId} (${branch.name}) was ${branch.status} on ${branch.closedOn}: it cannot take part in a change`, {
      branchId,
    });
  }
  return branch;
}

/** HTTP If-Match: the entity must still be at the version the caller saw. */
function checkVersion(entity: string, version: number, ifVersion?: number) {
  if (ifVersion !== undefined && ifVersion !== version) throw new WrongExpectedRevisionError(STRUCTURE_STREAM, String(ifVersion), String(version), entity);
}

const RANK: Record<UnitKind, number> = { central: 0, province: 1, district: 2, grassroots: 3 };

/** A unit sits below a unit of a higher level; grassroots unions may hold grassroots sub-unions. */
export function checkKindOrder(parent: Unit, childKind: UnitKind) {
  const ok = RANK[childKind] > RANK[parent.kind] || (childKind === 'grassroots' && parent.kind === 'grassroots');
  if (!ok) throw new RuleViolation('unit-kind-order', `a ${childKind} unit cannot be placed under a ${parent.kind} unit (${parent.name})`);
}

/**
 * Two active branches of one unit with the same name are almost surely one branch entered twice.
 * "The same" as a reader sees it: ignoring case, and with look-alike letters (a Cyrillic "С" for
 * "C") taken as the letter they imitate. Stored names are compared as they are, so the rule also
 * holds against branches named before it was written.
 */
export function checkBranchNameFree(s: Structure, parentUnitId: string, name: string, exceptIds: string[] = []) {
  const wanted = likenessOf(name);
  for (const id of s.branchesOf.get(parentUnitId) ?? []) {
    const b = s.branches.get(id)!;
    if (b.status === 'active' && !exceptIds.includes(id) && looksAlike(likenessOf(b.name), wanted)) {
      throw new ConflictError('branch-name-taken', `unit ${parentUnitId} already has an active branch named "${b.name}" (${id})`, { branchId: id });
    }
  }
}

export function activeChildren(s: Structure, unitId: string): { units: Unit[]; branches: Branch[] } {
  const units = [...(s.childUnits.get(unitId) ?? [])].map((id) => s.units.get(id)!).filter((u) => u.status === 'active');
  const branches = [...(s.branchesOf.get(unitId) ?? [])].map((id) => s.branches.get(id)!).filter((b) => b.status === 'active');
  return { units, branches };
}

/** A unit's child units and branches open on `day` and since: active now, or closed after that day. Without a day, the active ones. */
export function childrenOpenOn(s: Structure, unitId: string, day: string | undefined): { units: Unit[]; branches: Branch[] } {
  const open = (status: string, closedOn: string | undefined) => status === 'active' || (day !== undefined && closedOn !== undefined && closedOn > day);
  const units = [...(s.childUnits.get(unitId) ?? [])].map((id) => s.units.get(id)!).filter((u) => open(u.status, u.dissolvedOn));
  const branches = [...(s.branchesOf.get(unitId) ?? [])].map((id) => s.branches.get(id)!).filter((b) => open(b.status, b.closedOn));
  return { units, branches };
}

/** True when `candidate` is `unitId` itself or lies below it. */
export function isInSubtree(s: Structure, unitId: string, candidate: string): boolean {
  for (let at: string | null = candidate; at; at = s.units.get(at)?.parentId ?? null) {
    if (at === unitId) return true;
  }
  return false;
}
