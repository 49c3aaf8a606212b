import { DomainEvent } from '@register/event-sourcing';
import { OrganisationEvent } from '@register/contracts';
import { AsOf, countsAsOf } from '@register/service-kit';

/** An organisation event as personnel's replica receives it (the bus, or a hand-over in tests). */
export type ReplicaEvent = DomainEvent & { eventId?: string; metadata?: { effectiveDate?: string }; recordedAt?: Date | string };

/** A unit or branch placed under a parent (established or moved), on its effective date, as recorded then. */
export interface Placement {
  kind: 'unit' | 'branch';
  id: string;
  parentId: string | null;
  on: string | null;
  recordedAt: number | null;
}

/** The placement an event makes, if it makes one. */
export function placementOf(event: ReplicaEvent): Placement | undefined {
  const e = event as OrganisationEvent;
  const when = { on: event.metadata?.effectiveDate ?? null, recordedAt: event.recordedAt === undefined ? null : new Date(event.recordedAt).getTime() };
  switch (e.type) {
    case 'UnitEstablished':
      return { kind: 'unit', id: e.data.unitId, parentId: e.data.parentId, ...when };
    case 'UnitMoved':
      return { kind: 'unit', id: e.data.unitId, parentId: e.data.toParentId, ...when };
    case 'BranchEstablished':
      return { kind: 'branch', id: e.data.branchId, parentId: e.data.parentUnitId, ...when };
    case 'BranchMoved':
      return { kind: 'branch', id: e.data.branchId, parentId: e.data.toUnitId, ...when };
    default:
      return undefined;
  }
}

/** Organisation folds its own history the same way: a date keeps what took effect by then (of what was recorded by knownAt), an instant what was recorded by then. */
export function inForce(p: Placement, asOf?: AsOf): boolean {
  return countsAsOf(asOf, { effectiveDate: p.on, recordedAt: p.recordedAt });
}

/**
 * Whether a branch existed then: its first placement (its establishment; the replica keeps them in
 * the order recorded) is in force. A move dated before the establishment (a commune merger
 * recorded late) does not make the branch exist earlier.
 */
export function establishedBy(placements: Placement[], asOf?: AsOf): (branchId: string) => boolean {
  const established = new Set<string>();
  const seen = new Set<string>();
  for (const p of placements) {
    if (p.kind !== 'branch' || seen.has(p.id)) continue;
    seen.add(p.id);
    if (inForce(p, asOf)) established.add(p.id);
  }
  return (branchId) => established.has(branchId);
}

/** The branches whose unit is `unitId` or lies under it, after these placements (in the order they happened). */
export function branchesWithin(placements: Placement[], unitId: string): string[] {
  const unitParent = new Map<string, string | null>();
  const branchParent = new Map<string, string>();
  for (const p of placements) {
    if (p.kind === 'unit') unitParent.set(p.id, p.parentId);
    else if (p.parentId !== null) branchParent.set(p.id, p.parentId);
  }
  const within = (start: string): boolean => {
    // The tree has no cycles; the bound only keeps a damaged replica from looping.
    for (let id: string | null | undefined = start, steps = 0; id && steps <= unitParent.size; id = unitParent.get(id), steps++) if (id === unitId) return true;
    return false;
  };
  return [...branchParent].filter(([, parent]) => within(parent)).map(([id]) => id);
}
