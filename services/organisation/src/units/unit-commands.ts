import { deciderOf, ConflictError, RuleViolation } from '@register/event-sourcing';
import { OrganisationEvent, UnitKind } from '@register/contracts';
import { Structure, structureAggregate } from '../domain/structure';
import { activeChildren, activeUnit, checkKindOrder, isInSubtree } from '../domain/rules';

/** `parentIfVersion`: If-Match, the version of the parent unit as read (GET /units/{id}'s ETag). */
export type EstablishUnit = { type: 'EstablishUnit'; unitId: string; kind: UnitKind; name: string; parentId: string | null; parentIfVersion?: number };
export type RenameUnit = { type: 'RenameUnit'; unitId: string; name: string; ifVersion?: number };
/** E.g. a commune union moves under the province when its district union is abolished (2025). */
export type MoveUnit = { type: 'MoveUnit'; unitId: string; toParentId: string; ifVersion?: number };
/**
 * Giải thể. `openOnTheDay`: the units and branches under it that were still open on the
 * dissolution's day (the structure in force then, as recorded now): a child closed or moved away
 * only later was still under it then. Absent when not gathered.
 */
export type DissolveUnit = { type: 'DissolveUnit'; unitId: string; ifVersion?: number; openOnTheDay?: { on: string; unitIds: string[]; branchIds: string[] } };
export type UnitCommand = EstablishUnit | RenameUnit | MoveUnit | DissolveUnit;

/** The UnitCommand decisions over the structure. */
export const unitDecider = deciderOf(structureAggregate, decideUnit);

export function decideUnit(c: UnitCommand, s: Structure): OrganisationEvent[] {
  switch (c.type) {
    case 'EstablishUnit':
      return establish(c, s);
    case 'RenameUnit': {
      const unit = activeUnit(s, c.unitId, 'unit', c.ifVersion);
      if (unit.name === c.name) return [];
      return [{ type: 'UnitRenamed', data: { unitId: c.unitId, name: c.name, previousName: unit.name } }];
    }
    case 'MoveUnit':
      return move(c, s);
    case 'DissolveUnit':
      return dissolve(c, s);
  }
}

function establish(c: EstablishUnit, s: Structure): OrganisationEvent[] {
  if (s.units.has(c.unitId)) throw new ConflictError('unit-id-taken', `unit ${c.unitId} already exists`);
  if (c.kind === 'central') {
    if (c.parentId) throw new RuleViolation('central-has-no-parent', 'the central committee is the top of the tree and has no parent');
    refuseSecondCentral(s);
  } else {
    if (!c.parentId) throw new RuleViolation('parent-unit-required', `a ${c.kind} unit needs a parent unit`);
    checkKindOrder(activeUnit(s, c.parentId, 'parent-unit', c.parentIfVersion), c.kind);
  }
  return [{ type: 'UnitEstablished', data: { unitId: c.unitId, kind: c.kind, name: c.name, parentId: c.parentId } }];
}

/** The union has one Central Committee: a second top of the tree would split the register in two. */
function refuseSecondCentral(s: Structure): void {
  const central = [...s.units.values()].find((u) => u.kind === 'central' && u.status === 'active');
  if (central) throw new ConflictError('central-committee-exists', `the central committee ${central.name} (${central.id}) already exists`, { unitId: central.id });
}

function move(c: MoveUnit, s: Structure): OrganisationEvent[] {
  const unit = activeUnit(s, c.unitId, 'unit', c.ifVersion);
  if (unit.parentId === c.toParentId) return [];
  const target = activeUnit(s, c.toParentId, 'parent-unit');
  if (isInSubtree(s, unit.id, target.id)) {
    throw new RuleViolation('unit-move-into-own-subtree', `unit ${unit.name} cannot move under ${target.name}, which is itself or lies below it`);
  }
  checkKindOrder(target, unit.kind);
  return [{ type: 'UnitMoved', data: { unitId: unit.id, fromParentId: unit.parentId, toParentId: target.id } }];
}

function dissolve(c: DissolveUnit, s: Structure): OrganisationEvent[] {
  const unit = activeUnit(s, c.unitId, 'unit', c.ifVersion);
  const children = activeChildren(s, unit.id);
  if (children.units.length || children.branches.length) {
    throw new RuleViolation(
      'unit-has-active-children',
      `unit ${unit.name} still has ${children.units.length} active unit(s) and ${children.branches.length} active branch(es): move, merge or dissolve them first`,
      { activeUnitIds: children.units.map((u) => u.id).slice(0, 20), activeBranchIds: children.branches.map((b) => b.id).slice(0, 20) },
    );
  }
  const then = c.openOnTheDay;
  if (then && (then.unitIds.length || then.branchIds.length)) {
    throw new RuleViolation(
      'unit-has-active-children',
      `unit ${unit.name} still had ${then.unitIds.length} active unit(s) and ${then.branchIds.length} active branch(es) on ${then.on}, the day of the dissolution: date it on or after the day the last of them closed or moved away`,
      { activeUnitIds: then.unitIds.slice(0, 20), activeBranchIds: then.branchIds.slice(0, 20) },
    );
  }
  return [{ type: 'UnitDissolved', data: { unitId: unit.id } }];
}
