import { OrganisationEvent, ResidentialArea, UnitKind } from '@register/contracts';
import { Evolver, SnapshotCodec } from '@register/event-sourcing';

/** A union unit (Trung ương, Tỉnh đoàn, Huyện đoàn, Đoàn cơ sở) as the structure knows it. */
export interface Unit {
  id: string;
  kind: UnitKind;
  name: string;
  parentId: string | null;
  /** `merged` is closed, like `dissolved`, but has a successor (a commune or province merger). */
  status: 'active' | 'dissolved' | 'merged';
  establishedOn: string;
  /** The latest day a rename or move of it took effect (none yet: absent). */
  changedOn?: string;
  /** The day it ended: dissolved, or merged into its successor. */
  dissolvedOn?: string;
  /** The units merged into it. */
  predecessorIds: string[];
  /** The unit it was merged into. */
  successorIds: string[];
  /** How many changes this unit has seen: its ETag. */
  version: number;
}

/** A branch (chi đoàn). `merged` and `split` are closed, like `dissolved`, but have successors. */
export interface Branch {
  id: string;
  parentUnitId: string;
  name: string;
  area: ResidentialArea | null;
  status: 'active' | 'merged' | 'split' | 'dissolved';
  predecessorIds: string[];
  successorIds: string[];
  establishedOn: string;
  /** The latest day a rename or move of it took effect (none yet: absent). */
  changedOn?: string;
  closedOn?: string;
  /** Its moves in the order recorded, each with its day and the unit it left (none yet: absent): where it stood on a day before a move. */
  moves?: Array<{ on: string; fromUnitId: string }>;
  version: number;
}

/**
 * The union's structure: the consistency boundary of the organisation service. Tree rules (no
 * cycles, no dissolving a unit with active children, merging only active branches) span many units
 * and branches, so they are decided over the whole structure, kept in one stream.
 */
export interface Structure {
  units: Map<string, Unit>;
  branches: Map<string, Branch>;
  /** parent unit id → ids of its child units (active or not). */
  childUnits: Map<string, Set<string>>;
  /** unit id → ids of its branches (active or not). */
  branchesOf: Map<string, Set<string>>;
}

export const emptyStructure = (): Structure => ({ units: new Map(), branches: new Map(), childUnits: new Map(), branchesOf: new Map() });

type Links = Array<[string, string[]]>;
const links = (m: Map<string, Set<string>>): Links => [...m].map(([k, v]) => [k, [...v]]);
const linked = (l: Links) => new Map(l.map(([k, v]) => [k, new Set(v)]));

/** The structure as JSON, for its snapshots (a start then folds only the events after one). */
export const structureCodec: SnapshotCodec<Structure> = {
  encode: (s) => ({ units: [...s.units.values()], branches: [...s.branches.values()], childUnits: links(s.childUnits), branchesOf: links(s.branchesOf) }),
  decode: (json) => {
    const j = json as { units: Unit[]; branches: Branch[]; childUnits: Links; branchesOf: Links };
    return { units: new Map(j.units.map((u) => [u.id, u])), branches: new Map(j.branches.map((b) => [b.id, b])), childUnits: linked(j.childUnits), branchesOf: linked(j.branchesOf) };
  },
};

/** The organisation's one aggregate, the structure: its state and evolve; each capability brings its decisions. */
export const structureAggregate: Evolver<StructureFact, Structure> = { initialState: () => emptyStructure(), evolve: (s, e) => evolveStructure(s, e) };

/** An event as evolve sees it: the fact, and when it took effect. */
export type StructureFact = OrganisationEvent & { metadata?: { effectiveDate?: string } };

/**
 * Folds one fact into the structure. It updates the maps in place: the structure of a country is
 * large, and it is only ever owned by one fold (LiveAggregate, or a fresh fold for an `asOf` read).
 */
export function evolveStructure(s: Structure, event: StructureFact): Structure {
  const on = event.metadata?.effectiveDate ?? '';
  switch (event.type) {
    case 'UnitEstablished': {
      const { unitId, kind, name, parentId } = event.data;
      s.units.set(unitId, { id: unitId, kind, name, parentId, status: 'active', establishedOn: on, predecessorIds: [], successorIds: [], version: 1 });
      if (parentId) link(s.childUnits, parentId, unitId);
      return s;
    }
    case 'UnitRenamed':
      return touchUnit(s, event.data.unitId, (u) => {
        u.name = event.data.name;
        u.changedOn = latest(u.changedOn, on);
      });
    case 'UnitMoved':
      return touchUnit(s, event.data.unitId, (u) => {
        u.changedOn = latest(u.changedOn, on);
        if (u.parentId) s.childUnits.get(u.parentId)?.delete(u.id);
        u.parentId = event.data.toParentId;
        link(s.childUnits, event.data.toParentId, u.id);
      });
    case 'UnitDissolved':
      return touchUnit(s, event.data.unitId, (u) => {
        u.status = 'dissolved';
        u.dissolvedOn = on;
      });
    case 'BranchEstablished': {
      const { branchId, parentUnitId, name, area, predecessorIds } = event.data;
      s.branches.set(branchId, { id: branchId, parentUnitId, name, area, status: 'active', predecessorIds: [...predecessorIds], successorIds: [], establishedOn: on, version: 1 });
      link(s.branchesOf, parentUnitId, branchId);
      return s;
    }
    case 'BranchRenamed':
      return touchBranch(s, event.data.branchId, (b) => {
        b.changedOn = latest(b.changedOn, on);
        b.name = event.data.name;
        b.area = event.data.area;
      });
    case 'BranchMoved':
      return touchBranch(s, event.data.branchId, (b) => {
        (b.moves ??= []).push({ on, fromUnitId: b.parentUnitId });
        b.changedOn = latest(b.changedOn, on);
        s.branchesOf.get(b.parentUnitId)?.delete(b.id);
        b.parentUnitId = event.data.toUnitId;
        link(s.branchesOf, b.parentUnitId, b.id);
      });
    case 'BranchDissolved':
      return touchBranch(s, event.data.branchId, (b) => close(b, 'dissolved', on));
    case 'BranchesMerged': {
      const { sourceBranchIds, intoBranchId, intoNewBranch } = event.data;
      for (const id of sourceBranchIds) touchBranch(s, id, (b) => close(b, 'merged', on, [intoBranchId]));
      // A new successor was established with its predecessors; an existing one gains them now.
      if (!intoNewBranch) touchBranch(s, intoBranchId, (b) => b.predecessorIds.push(...sourceBranchIds.filter((id) => !b.predecessorIds.includes(id))));
      return s;
    }
    case 'BranchSplit':
      return touchBranch(s, event.data.sourceBranchId, (b) => close(b, 'split', on, event.data.parts.map((p) => p.branchId)));
    case 'UnitsMerged': {
      // The sources' children were moved by the decision's UnitMoved and BranchMoved events.
      const { sourceUnitIds, intoUnitId } = event.data;
      for (const id of sourceUnitIds) {
        touchUnit(s, id, (u) => {
          u.status = 'merged';
          u.dissolvedOn = on;
          u.successorIds.push(intoUnitId);
        });
      }
      return touchUnit(s, intoUnitId, (u) => u.predecessorIds.push(...sourceUnitIds.filter((id) => !u.predecessorIds.includes(id))));
    }
  }
}

const latest = (a: string | undefined, b: string) => (a !== undefined && a > b ? a : b);

function close(b: Branch, status: Branch['status'], on: string, successorIds: string[] = []) {
  b.status = status;
  b.closedOn = on;
  b.successorIds.push(...successorIds);
}

function touchUnit(s: Structure, id: string, change: (u: Unit) => void): Structure {
  const unit = s.units.get(id);
  if (unit) {
    change(unit);
    unit.version++;
  }
  return s;
}

function touchBranch(s: Structure, id: string, change: (b: Branch) => void): Structure {
  const branch = s.branches.get(id);
  if (branch) {
    change(branch);
    branch.version++;
  }
  return s;
}

function link(index: Map<string, Set<string>>, parent: string, child: string) {
  let children = index.get(parent);
  if (!children) index.set(parent, (children = new Set()));
  children.add(child);
}
