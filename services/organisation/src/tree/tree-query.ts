import { NotFoundError } from '@register/event-sourcing';
import { Branch, Structure, Unit } from '../domain/structure';
import { TreeBranchDoc, TreeUnitDoc } from './unit-tree.projection';

export interface TreeNode {
  id: string;
  kind: string;
  name: string;
  status: Unit['status'];
  /** Counts over the whole subtree below (and including) this unit. */
  counts: { units: number; branches: number; residentialBranches: number };
  children: TreeNode[];
  branches: Array<{ id: string; name: string; area: Branch['area']; status: Branch['status'] }>;
}

/**
 * A unit's subtree with counts. Closed units and branches below it are left out unless asked for,
 * so the tree of today has no abolished district while the tree of last year still shows it. A
 * closed unit asked for itself is shown, with its status: its id is known (404 is for unknown ids).
 */
export function treeOf(s: Structure, unitId: string, includeClosed = false, depth = Infinity): TreeNode {
  const unit = s.units.get(unitId);
  if (!unit) throw new NotFoundError('unit', unitId);
  return build(s, unit, includeClosed, depth);
}

function build(s: Structure, unit: Unit, includeClosed: boolean, depth: number): TreeNode {
  const shown = <T extends { status: string }>(x: T) => includeClosed || x.status === 'active';
  const childUnits = [...(s.childUnits.get(unit.id) ?? [])].map((id) => s.units.get(id)!).filter(shown);
  const branches = [...(s.branchesOf.get(unit.id) ?? [])].map((id) => s.branches.get(id)!).filter(shown);
  const children = childUnits.sort(byName).map((c) => build(s, c, includeClosed, depth - 1));
  const active = branches.filter((b) => b.status === 'active');
  const counts = {
    units: children.reduce((n, c) => n + c.counts.units, 0) + childUnits.filter((u) => u.status === 'active').length,
    branches: children.reduce((n, c) => n + c.counts.branches, 0) + active.length,
    residentialBranches: children.reduce((n, c) => n + c.counts.residentialBranches, 0) + active.filter((b) => b.area).length,
  };
  return {
    id: unit.id,
    kind: unit.kind,
    name: unit.name,
    status: unit.status,
    counts,
    children: depth > 0 ? children : [],
    branches: depth > 0 ? branches.sort(byName).map((b) => ({ id: b.id, name: b.name, area: b.area, status: b.status })) : [],
  };
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'vi');

/** A unit's subtree as the `unit-tree` read model holds it: the unit, and the units and branches below it to show. */
export interface StoredSubtree {
  root: TreeUnitDoc;
  units: TreeUnitDoc[];
  branches: TreeBranchDoc[];
}

/**
 * The same tree as `treeOf`, assembled from read-model documents: the counts are the stored
 * subtree counts, so only the levels shown are read (`depth` below the root).
 */
export function treeFromDocs({ root, units, branches }: StoredSubtree, includeClosed = false, depth = Infinity): TreeNode {
  const shown = <T extends { status: string }>(x: T) => includeClosed || x.status === 'active';
  const childUnits = new Map<string, TreeUnitDoc[]>();
  for (const u of units) if (u.parentId && shown(u)) (childUnits.get(u.parentId) ?? childUnits.set(u.parentId, []).get(u.parentId)!).push(u);
  const branchesOf = new Map<string, TreeBranchDoc[]>();
  for (const b of branches) if (shown(b)) (branchesOf.get(b.parentUnitId) ?? branchesOf.set(b.parentUnitId, []).get(b.parentUnitId)!).push(b);
  const node = (u: TreeUnitDoc, left: number): TreeNode => ({
    id: u._id,
    kind: u.kind,
    name: u.name,
    status: u.status,
    counts: { units: u.counts.units, branches: u.counts.branches, residentialBranches: u.counts.residentialBranches },
    children: left > 0 ? (childUnits.get(u._id) ?? []).sort(byName).map((c) => node(c, left - 1)) : [],
    branches: left > 0 ? (branchesOf.get(u._id) ?? []).sort(byName).map((b) => ({ id: b._id, name: b.name, area: b.area, status: b.status })) : [],
  });
  return node(root, depth);
}
