import { OrganisationEvent, ResidentialArea } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, ProjectionReader } from '@register/read-models';
import { sortKey, textKeys } from '@register/text';
import { ancestorsUnder, Changes, PlacedUnit, reAncestor } from '../application/projection-changes';

type C = 'branches' | 'units';

/**
 * `branch-directory.branches`: one per branch, open or closed: what `GET /branches` lists (the
 * fields of branchView), where it sits in the tree, its search keys, and its direct predecessors
 * and successors (the lineage is walked through them).
 */
export interface DirectoryBranchDoc {
  _id: string;
  parentUnitId: string;
  name: string;
  area: ResidentialArea | null;
  status: 'active' | 'merged' | 'split' | 'dissolved';
  predecessorIds: string[];
  successorIds: string[];
  establishedOn: string;
  closedOn: string | null;
  /** How many changes the branch has seen (as the structure counts them: its ETag). */
  version: number;
  /** The units above it, from the top of the tree down to its unit: `parentUnitId=X` (whole subtree) is `{ ancestorIds: X }`. */
  ancestorIds: string[];
  depth: number;
  /** Name and area name without diacritics, lower case: "thong thu" matches "Thông Thụ" (libs/text). */
  search: string;
  /** Name and area name with their diacritics, lower case: "Vân" matches "Vân" and "Van", not "Văn" (textQueryFilter). */
  exact: string;
  /** The folded name: the directory's order (then _id). */
  sortName: string;
}

/** `branch-directory.units`: the index that places branches: each unit's ancestors, child units and branches. */
export interface DirectoryUnitDoc extends PlacedUnit {
  parentId: string | null;
  depth: number;
}

const B: C = 'branches';
const U: C = 'units';
type E<T extends OrganisationEvent['type']> = RecordedEvent<Extract<OrganisationEvent, { type: T }>>;

/** The day a change took effect (as the structure's fold reads it). */
const on = (e: RecordedEvent) => e.metadata?.effectiveDate ?? '';
const branch = async (reader: ProjectionReader<C>, id: string) => (await reader.read(B, id)) as DirectoryBranchDoc | undefined;

export const searchKeys = (name: string, area: ResidentialArea | null) => ({ ...textKeys(`${name} ${area?.name ?? ''}`), sortName: sortKey(name) });

/** A branch closes (merged, split, dissolved); merged and split ones name their successors. */
async function close(reader: ProjectionReader<C>, changes: Changes<C>, id: string, status: DirectoryBranchDoc['status'], closedOn: string, successorIds: string[] = []) {
  if (!(await branch(reader, id))) return;
  changes.set(B, id, { status, closedOn }).inc(B, id, { version: 1 });
  if (successorIds.length) changes.addToSet(B, id, 'successorIds', { $each: successorIds });
}

/**
 * The branch directory: every branch with diacritic-folded search keys and its ancestors, so that
 * `GET /branches` filters by subtree, status and text in one query; and each branch's direct
 * predecessors and successors, through which its lineage is read.
 */
export const branchDirectoryProjection = defineProjection<OrganisationEvent, C>({
  name: 'branch-directory',
  // 2: `sortName` in the Vietnamese alphabet's order (sortKey), where it was the folded name; 3: `exact`, for a query typed with diacritics.
  version: 3,
  collections: {
    branches: { indexes: [{ key: { ancestorIds: 1 } }, { key: { sortName: 1, _id: 1 } }] },
    units: {},
  },
  handlers: {
    UnitEstablished: async (e: E<'UnitEstablished'>, reader) => {
      const { unitId, parentId } = e.data;
      const ancestorIds = await ancestorsUnder(reader, U, parentId);
      const doc: Omit<DirectoryUnitDoc, '_id'> = { parentId, ancestorIds, depth: ancestorIds.length, childUnitIds: [], branchIds: [] };
      const changes = new Changes<C>().create(U, unitId, doc);
      if (parentId) changes.addToSet(U, parentId, 'childUnitIds', unitId);
      return changes.operations();
    },
    UnitMoved: async (e: E<'UnitMoved'>, reader) => {
      const moved = (await reader.read(U, e.data.unitId)) as DirectoryUnitDoc | undefined;
      if (!moved) return [];
      const changes = new Changes<C>();
      if (moved.parentId) changes.pull(U, moved.parentId, 'childUnitIds', moved._id);
      changes.addToSet(U, e.data.toParentId, 'childUnitIds', moved._id).set(U, moved._id, { parentId: e.data.toParentId });
      await reAncestor(reader, changes, { units: U, branches: B }, moved, await ancestorsUnder(reader, U, e.data.toParentId));
      return changes.operations();
    },
    BranchEstablished: async (e: E<'BranchEstablished'>, reader) => {
      const { branchId, parentUnitId, name, predecessorIds } = e.data;
      const area = e.data.area ?? null;
      const ancestorIds = await ancestorsUnder(reader, U, parentUnitId);
      const doc: Omit<DirectoryBranchDoc, '_id'> = {
        parentUnitId,
        name,
        area,
        status: 'active',
        predecessorIds: [...predecessorIds],
        successorIds: [],
        establishedOn: on(e),
        closedOn: null,
        version: 1,
        ancestorIds,
        depth: ancestorIds.length,
        ...searchKeys(name, area),
      };
      return new Changes<C>().create(B, branchId, doc).addToSet(U, parentUnitId, 'branchIds', branchId).operations();
    },
    BranchRenamed: async (e: E<'BranchRenamed'>, reader) => {
      if (!(await branch(reader, e.data.branchId))) return [];
      const area = e.data.area ?? null;
      return new Changes<C>().set(B, e.data.branchId, { name: e.data.name, area, ...searchKeys(e.data.name, area) }).inc(B, e.data.branchId, { version: 1 }).operations();
    },
    BranchMoved: async (e: E<'BranchMoved'>, reader) => {
      const b = await branch(reader, e.data.branchId);
      if (!b) return [];
      const ancestorIds = await ancestorsUnder(reader, U, e.data.toUnitId);
      return new Changes<C>()
        .set(B, b._id, { parentUnitId: e.data.toUnitId, ancestorIds, depth: ancestorIds.length })
        .inc(B, b._id, { version: 1 })
        .pull(U, b.parentUnitId, 'branchIds', b._id)
        .addToSet(U, e.data.toUnitId, 'branchIds', b._id)
        .operations();
    },
    BranchDissolved: async (e: E<'BranchDissolved'>, reader) => {
      const changes = new Changes<C>();
      await close(reader, changes, e.data.branchId, 'dissolved', on(e));
      return changes.operations();
    },
    BranchesMerged: async (e: E<'BranchesMerged'>, reader) => {
      const { sourceBranchIds, intoBranchId, intoNewBranch } = e.data;
      const changes = new Changes<C>();
      for (const id of sourceBranchIds) await close(reader, changes, id, 'merged', on(e), [intoBranchId]);
      // A new successor was established with its predecessors; an existing one gains them now.
      if (!intoNewBranch && (await branch(reader, intoBranchId))) changes.addToSet(B, intoBranchId, 'predecessorIds', { $each: sourceBranchIds }).inc(B, intoBranchId, { version: 1 });
      return changes.operations();
    },
    BranchSplit: async (e: E<'BranchSplit'>, reader) => {
      const changes = new Changes<C>();
      await close(reader, changes, e.data.sourceBranchId, 'split', on(e), e.data.parts.map((p) => p.branchId));
      return changes.operations();
    },
  },
});
