import { OrganisationEvent, ResidentialArea, UnitKind } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, ProjectionReader } from '@register/read-models';
import { ancestorsUnder, Changes, PlacedUnit, reAncestor } from '../application/projection-changes';

type C = 'units' | 'branches';

/** Counts over a unit's whole subtree (the unit itself excluded from `units`): active units, active branches, active residential branches. */
export interface SubtreeCounts {
  units: number;
  branches: number;
  residentialBranches: number;
}

/** `unit-tree.units`: one per unit, with its place in the tree and the counts of its subtree. */
export interface TreeUnitDoc extends PlacedUnit {
  kind: UnitKind;
  name: string;
  parentId: string | null;
  /** How many units are above it (the top of the tree: 0). */
  depth: number;
  status: 'active' | 'dissolved' | 'merged';
  establishedOn: string;
  /** The day it ended: dissolved, or merged. */
  dissolvedOn: string | null;
  counts: SubtreeCounts;
}

/** `unit-tree.branches`: one per branch, what a tree node shows of it, and its place in the tree. */
export interface TreeBranchDoc {
  _id: string;
  name: string;
  area: ResidentialArea | null;
  status: 'active' | 'merged' | 'split' | 'dissolved';
  parentUnitId: string;
  /** The units above it, from the top of the tree down to its unit. */
  ancestorIds: string[];
  /** ancestorIds.length: a branch shows in a tree of `depth` levels below unit U when depth ≤ U.depth + levels. */
  depth: number;
}

const U: C = 'units';
const B: C = 'branches';
type E<T extends OrganisationEvent['type']> = RecordedEvent<Extract<OrganisationEvent, { type: T }>>;

/** The day a change took effect (as the structure's fold reads it). */
const on = (e: RecordedEvent) => e.metadata?.effectiveDate ?? '';
const unit = async (reader: ProjectionReader<C>, id: string) => (await reader.read(U, id)) as TreeUnitDoc | undefined;
const branch = async (reader: ProjectionReader<C>, id: string) => (await reader.read(B, id)) as TreeBranchDoc | undefined;

/** What an active branch adds to the counts of each unit above it. */
const weight = (b: { area: ResidentialArea | null }) => ({ 'counts.branches': 1, 'counts.residentialBranches': b.area ? 1 : 0 });
const times = (fields: Record<string, number>, k: number) => Object.fromEntries(Object.entries(fields).map(([f, n]) => [f, n * k]));

async function closeBranch(reader: ProjectionReader<C>, changes: Changes<C>, id: string, status: TreeBranchDoc['status']) {
  const b = await branch(reader, id);
  if (!b) return;
  changes.set(B, id, { status });
  if (b.status === 'active') for (const a of b.ancestorIds) changes.inc(U, a, times(weight(b), -1));
}

async function closeUnit(reader: ProjectionReader<C>, changes: Changes<C>, id: string, status: TreeUnitDoc['status'], closedOn: string) {
  const u = await unit(reader, id);
  if (!u) return;
  changes.set(U, u._id, { status, dissolvedOn: closedOn });
  if (u.status === 'active') for (const a of u.ancestorIds) changes.inc(U, a, { 'counts.units': -1 });
}

/**
 * The union's tree for `GET /units/{id}/tree`: units with their subtree counts, kept up to date by
 * incrementing every ancestor of what changes, and branches as tree nodes show them. Each document
 * stores its ancestors (maintained on moves), so a subtree is one query on `ancestorIds`.
 */
export const unitTreeProjection = defineProjection<OrganisationEvent, C>({
  name: 'unit-tree',
  version: 1,
  collections: {
    units: { indexes: [{ key: { ancestorIds: 1 } }] },
    branches: { indexes: [{ key: { ancestorIds: 1 } }] },
  },
  handlers: {
    UnitEstablished: async (e: E<'UnitEstablished'>, reader) => {
      const { unitId, kind, name, parentId } = e.data;
      const ancestorIds = await ancestorsUnder(reader, U, parentId);
      const changes = new Changes<C>();
      const doc: Omit<TreeUnitDoc, '_id'> = {
        kind,
        name,
        parentId,
        ancestorIds,
        depth: ancestorIds.length,
        status: 'active',
        establishedOn: on(e),
        dissolvedOn: null,
        childUnitIds: [],
        branchIds: [],
        counts: { units: 0, branches: 0, residentialBranches: 0 },
      };
      changes.create(U, unitId, doc);
      if (parentId) changes.addToSet(U, parentId, 'childUnitIds', unitId);
      for (const a of ancestorIds) changes.inc(U, a, { 'counts.units': 1 });
      return changes.operations();
    },
    UnitRenamed: (e: E<'UnitRenamed'>) => new Changes<C>().set(U, e.data.unitId, { name: e.data.name }).operations(),
    UnitMoved: async (e: E<'UnitMoved'>, reader) => {
      const moved = await unit(reader, e.data.unitId);
      if (!moved) return [];
      const changes = new Changes<C>();
      const newAncestors = await ancestorsUnder(reader, U, e.data.toParentId);
      const c = moved.counts;
      const carried = { 'counts.units': c.units + (moved.status === 'active' ? 1 : 0), 'counts.branches': c.branches, 'counts.residentialBranches': c.residentialBranches };
      for (const a of moved.ancestorIds) changes.inc(U, a, times(carried, -1));
      for (const a of newAncestors) changes.inc(U, a, carried);
      if (moved.parentId) changes.pull(U, moved.parentId, 'childUnitIds', moved._id);
      changes.addToSet(U, e.data.toParentId, 'childUnitIds', moved._id);
      changes.set(U, moved._id, { parentId: e.data.toParentId });
      await reAncestor(reader, changes, { units: U, branches: B }, moved, newAncestors);
      return changes.operations();
    },
    UnitDissolved: async (e: E<'UnitDissolved'>, reader) => {
      const changes = new Changes<C>();
      await closeUnit(reader, changes, e.data.unitId, 'dissolved', on(e));
      return changes.operations();
    },
    // The sources' children moved by the decision's UnitMoved and BranchMoved, just before.
    UnitsMerged: async (e: E<'UnitsMerged'>, reader) => {
      const changes = new Changes<C>();
      for (const id of e.data.sourceUnitIds) await closeUnit(reader, changes, id, 'merged', on(e));
      return changes.operations();
    },
    BranchEstablished: async (e: E<'BranchEstablished'>, reader) => {
      const { branchId, parentUnitId, name, area } = e.data;
      const ancestorIds = await ancestorsUnder(reader, U, parentUnitId);
      const doc: Omit<TreeBranchDoc, '_id'> = { name, area: area ?? null, status: 'active', parentUnitId, ancestorIds, depth: ancestorIds.length };
      const changes = new Changes<C>().create(B, branchId, doc).addToSet(U, parentUnitId, 'branchIds', branchId);
      for (const a of ancestorIds) changes.inc(U, a, weight(doc));
      return changes.operations();
    },
    BranchRenamed: async (e: E<'BranchRenamed'>, reader) => {
      const b = await branch(reader, e.data.branchId);
      if (!b) return [];
      const area = e.data.area ?? null;
      const changes = new Changes<C>().set(B, b._id, { name: e.data.name, area });
      const residential = (area ? 1 : 0) - (b.area ? 1 : 0);
      if (b.status === 'active' && residential) for (const a of b.ancestorIds) changes.inc(U, a, { 'counts.residentialBranches': residential });
      return changes.operations();
    },
    BranchMoved: async (e: E<'BranchMoved'>, reader) => {
      const b = await branch(reader, e.data.branchId);
      if (!b) return [];
      const ancestorIds = await ancestorsUnder(reader, U, e.data.toUnitId);
      const changes = new Changes<C>();
      if (b.status === 'active') {
        for (const a of b.ancestorIds) changes.inc(U, a, times(weight(b), -1));
        for (const a of ancestorIds) changes.inc(U, a, weight(b));
      }
      changes.pull(U, b.parentUnitId, 'branchIds', b._id).addToSet(U, e.data.toUnitId, 'branchIds', b._id);
      changes.set(B, b._id, { parentUnitId: e.data.toUnitId, ancestorIds, depth: ancestorIds.length });
      return changes.operations();
    },
    BranchDissolved: async (e: E<'BranchDissolved'>, reader) => {
      const changes = new Changes<C>();
      await closeBranch(reader, changes, e.data.branchId, 'dissolved');
      return changes.operations();
    },
    BranchesMerged: async (e: E<'BranchesMerged'>, reader) => {
      const changes = new Changes<C>();
      for (const id of e.data.sourceBranchIds) await closeBranch(reader, changes, id, 'merged');
      return changes.operations();
    },
    BranchSplit: async (e: E<'BranchSplit'>, reader) => {
      const changes = new Changes<C>();
      await closeBranch(reader, changes, e.data.sourceBranchId, 'split');
      return changes.operations();
    },
  },
});
