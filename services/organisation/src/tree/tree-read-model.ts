import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@register/event-sourcing';
import { CollectionQueries, ReadModelQueries } from '@register/read-models';
import { treeFromDocs, TreeNode } from './tree-query';
import { TreeBranchDoc, TreeUnitDoc, unitTreeProjection } from './unit-tree.projection';

export interface TreeRequest {
  includeClosed?: boolean;
  /** Levels shown below the unit (counts always cover the whole subtree). */
  depth?: number;
}

/** A unit's subtree from the `unit-tree` collections: the unit, then one query per collection on `ancestorIds` (and `depth`). */
export async function readTree(units: CollectionQueries, branches: CollectionQueries, unitId: string, request: TreeRequest = {}): Promise<TreeNode> {
  const depth = request.depth ?? Infinity;
  const root = (await units.get(unitId)) as TreeUnitDoc | undefined;
  if (!root) throw new NotFoundError('unit', unitId);
  const below = {
    ancestorIds: unitId,
    ...(request.includeClosed ? {} : { status: 'active' }),
    ...(Number.isFinite(depth) ? { depth: { $lte: root.depth + depth } } : {}),
  };
  const [unitDocs, branchDocs] = await Promise.all([units.find(below), branches.find(below)]);
  return treeFromDocs({ root, units: unitDocs as unknown as TreeUnitDoc[], branches: branchDocs as unknown as TreeBranchDoc[] }, request.includeClosed, depth);
}

/** The tree of today: the `unit-tree` read model, waited for up to `minPosition`. */
@Injectable()
export class TreeReads {
  constructor(private readonly readModels: ReadModelQueries) {}

  async tree(unitId: string, options: TreeRequest & { minPosition?: number } = {}): Promise<TreeNode> {
    const model = await this.readModels.of(unitTreeProjection).require(options.minPosition);
    return readTree(model.collection('units'), model.collection('branches'), unitId, options);
  }
}
