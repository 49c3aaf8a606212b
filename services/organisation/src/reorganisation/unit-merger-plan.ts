import { checkDated } from '../domain/dated-changes';
import { Structure } from '../domain/structure';
import { BranchPeople } from '../domain/branch-people';
import { isInSubtree } from '../domain/rules';
import { BranchNameClash, branchNameClashes, MergeUnits, unitMergeEvents } from './merge-units';

export interface UnitMergerPlan {
  dryRun: true;
  events: string[];
  intoUnitId: string;
  unitOpened: { id: string; name: string; kind: string; parentId: string | null } | null;
  unitsClosed: Array<{ id: string; name: string; kind: string }>;
  /** The sources' child units (a province's districts and grassroots unions), with their subtrees. */
  unitsMoving: Array<{ unitId: string; name: string; kind: string; fromUnitId: string; toUnitId: string }>;
  /** The sources' own branches. */
  branchesMoving: Array<{ branchId: string; name: string; fromUnitId: string; toUnitId: string; members: number }>;
  /** Every active branch of the sources' subtrees, which ends under the successor, and their people as this service knows them. */
  following: { branches: number; members: number; secretaries: number };
  /** Active branches that would share a name in the successor: the real merger refuses them (409 `branch-name-taken`). */
  branchNameClashes: BranchNameClash[];
}

/**
 * What a unit merger would do, decided as the real command would be (a refused plan throws the
 * same rule) and changing nothing; but branch names that would clash are listed, so that they can
 * be renamed first, where the real merger refuses them. People figures come from the replica.
 */
export function planUnitMerger(command: MergeUnits, s: Structure, people: BranchPeople, on: string): UnitMergerPlan {
  const events = unitMergeEvents(command, s);
  // dated as the real run will be: one that concerns a unit before it existed is refused the same way
  checkDated(events, s, on);
  const plan: UnitMergerPlan = {
    dryRun: true,
    events: events.map((e) => e.type),
    intoUnitId: '',
    unitOpened: null,
    unitsClosed: command.sourceUnitIds.map((id) => s.units.get(id)!).map((u) => ({ id: u.id, name: u.name, kind: u.kind })),
    unitsMoving: [],
    branchesMoving: [],
    following: following(command.sourceUnitIds, s, people),
    branchNameClashes: branchNameClashes(command, s),
  };
  for (const e of events) {
    if (e.type === 'UnitEstablished') plan.unitOpened = { id: e.data.unitId, name: e.data.name, kind: e.data.kind, parentId: e.data.parentId };
    if (e.type === 'UnitsMerged') plan.intoUnitId = e.data.intoUnitId;
    if (e.type === 'UnitMoved') {
      const u = s.units.get(e.data.unitId)!;
      plan.unitsMoving.push({ unitId: u.id, name: u.name, kind: u.kind, fromUnitId: e.data.fromParentId!, toUnitId: e.data.toParentId });
    }
    if (e.type === 'BranchMoved') {
      const b = s.branches.get(e.data.branchId)!;
      plan.branchesMoving.push({ branchId: b.id, name: b.name, fromUnitId: e.data.fromUnitId, toUnitId: e.data.toUnitId, members: people.memberCount(b.id) });
    }
  }
  return plan;
}

function following(sourceUnitIds: string[], s: Structure, people: BranchPeople) {
  const branches = [...s.branches.values()].filter((b) => b.status === 'active' && sourceUnitIds.some((id) => isInSubtree(s, id, b.parentUnitId)));
  return {
    branches: branches.length,
    members: branches.reduce((n, b) => n + people.memberCount(b.id), 0),
    secretaries: branches.filter((b) => people.hasSecretary(b.id)).length,
  };
}
