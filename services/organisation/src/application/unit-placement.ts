import { Injectable } from '@nestjs/common';
import { UnitPlacement } from '@register/auth';
import { Structure } from '../domain/structure';
import { StructureService } from './structure.service';

/**
 * Where a unit or branch sits in the tree today, for authorisation: unit ids from its own unit up
 * to the root, in the structure in force today (as GET /branches/{id} and the tree answer). A move
 * recorded today and dated next month leaves the branch where it is: the unit it stands under keeps
 * it until that day, and the unit it goes to reaches it only then. A unit or branch established
 * with a later date is placed where it was recorded (it sits nowhere else). A unit merged away is
 * also placed under its successor (chainOf).
 */
@Injectable()
export class StructurePlacement implements UnitPlacement {
  constructor(private readonly structure: StructureService) {}

  /**
   * `day`: in the tree in force that day (a rating of a past year is its branch's units then: a probe
   * found the commune a branch moved to deciding its year spent in the other); today's where it was
   * not there then. The tree of that day is folded only when the target or a unit above it was moved
   * or renamed since (the usual target was not).
   */
  async ancestry(target: { kind: 'unit' | 'branch'; id: string }, day?: string): Promise<string[] | undefined> {
    const { structure: today, live } = await this.structure.today();
    const now = chainOf(today, target) ?? chainOf(live, target);
    if (day === undefined || !now || !changedSince(today, target, now, day)) return now;
    return chainOf(await this.structure.structureOn(day), target) ?? now;
  }

  async openUnitOf(target: { kind: 'unit' | 'branch'; id: string }, day?: string): Promise<string | null | undefined> {
    return openUnitIn((await this.structure.today()).structure, target, day);
  }
}

/**
 * The nearest unit open in `s` that holds what a unit or branch closed by `day` (any day, when
 * absent) held; undefined when it is open, was still open that day, or is not in `s`.
 */
export function openUnitIn(s: Structure, target: { kind: 'unit' | 'branch'; id: string }, day?: string): string | null | undefined {
  const branch = target.kind === 'branch' ? s.branches.get(target.id) : undefined;
  const unit = target.kind === 'unit' ? s.units.get(target.id) : undefined;
  const place = branch ? { status: branch.status, closedOn: branch.closedOn } : unit ? { status: unit.status, closedOn: unit.dissolvedOn } : undefined;
  if (!place || place.status === 'active' || (day !== undefined && place.closedOn !== undefined && place.closedOn > day)) return undefined;
  const seen = new Set<string>();
  for (let unitId: string | null | undefined = branch ? branch.parentUnitId : target.id; unitId && !seen.has(unitId); ) {
    seen.add(unitId);
    const unit = s.units.get(unitId);
    if (!unit) return null;
    if (unit.status === 'active') return unit.id;
    unitId = unit.status === 'merged' ? unit.successorIds[0] : unit.parentId;
  }
  return null;
}

/** Whether the target, or a unit of its chain today, was moved or renamed after `day` (its chain then may differ). */
function changedSince(s: Structure, target: { kind: 'unit' | 'branch'; id: string }, chain: string[], day: string): boolean {
  const own = target.kind === 'branch' ? s.branches.get(target.id)?.changedOn : undefined;
  return (own !== undefined && own > day) || chain.some((id) => (s.units.get(id)?.changedOn ?? '') > day);
}

/**
 * The units from the target's own up to the root, then, for a unit merged away on that way, its
 * successor's: the unit that took over its branches takes over its history too, so the
 * successor's officers reach what the merged unit kept (its past rosters, ratings, summaries), and
 * the old unit's officers still do.
 */
function chainOf(s: Structure, target: { kind: 'unit' | 'branch'; id: string }): string[] | undefined {
  const start = target.kind === 'unit' ? (s.units.has(target.id) ? target.id : undefined) : s.branches.get(target.id)?.parentUnitId;
  const chain: string[] = [];
  for (const queue = start ? [start] : []; queue.length > 0; ) {
    for (let unitId: string | null | undefined = queue.shift(); unitId && chain.length < 64 && !chain.includes(unitId); ) {
      chain.push(unitId);
      const unit = s.units.get(unitId);
      if (unit?.status === 'merged') queue.push(...unit.successorIds);
      unitId = unit?.parentId;
    }
  }
  return chain.length > 0 ? chain : undefined;
}
