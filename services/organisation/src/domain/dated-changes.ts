import { Decider, RuleViolation } from '@register/event-sourcing';
import { OrganisationEvent } from '@register/contracts';
import { Structure, StructureFact } from './structure';

type Touched = { kind: 'unit' | 'branch'; id: string; changes: boolean };

/**
 * The units and branches an event concerns: those it renames or moves (`changes`), and those it
 * closes, hangs under or merges into, which must exist by its day too.
 */
function touched(e: OrganisationEvent): Touched[] {
  const unit = (id: string | null | undefined, changes = false): Touched[] => (id ? [{ kind: 'unit', id, changes }] : []);
  const branch = (id: string | null | undefined, changes = false): Touched[] => (id ? [{ kind: 'branch', id, changes }] : []);
  switch (e.type) {
    case 'UnitEstablished':
      return unit(e.data.parentId);
    case 'UnitRenamed':
      return unit(e.data.unitId, true);
    case 'UnitMoved':
      return [...unit(e.data.unitId, true), ...unit(e.data.toParentId)];
    case 'UnitDissolved':
      return unit(e.data.unitId);
    case 'BranchEstablished':
      return unit(e.data.parentUnitId);
    case 'BranchRenamed':
      return branch(e.data.branchId, true);
    case 'BranchMoved':
      return [...branch(e.data.branchId, true), ...unit(e.data.toUnitId)];
    case 'BranchDissolved':
      return branch(e.data.branchId);
    case 'BranchesMerged':
      return [...e.data.sourceBranchIds.flatMap((id) => branch(id)), ...branch(e.data.intoBranchId)];
    case 'BranchSplit':
      return branch(e.data.sourceBranchId);
    case 'UnitsMerged':
      return [...e.data.sourceUnitIds.flatMap((id) => unit(id)), ...unit(e.data.intoUnitId)];
  }
}

/**
 * A decision's events take effect on `on`: a rename or move is dated on or after the last one of the
 * same thing (the fold applies changes in the order they were recorded, so one dated earlier would
 * override the later). Things the same decision establishes are not in `s` yet, and pass.
 *
 * Not checked, on purpose: a change dated before the thing was established. A register is often
 * set up today (no effective date) and its history entered after, dated years back: a merger
 * "recorded late" of branches entered today is the usual case, not an error. Refusing it (tried)
 * broke that use; the dated reads show such a thing from its establishment on.
 */
export function checkDated(events: OrganisationEvent[], s: Structure, on: string): void {
  for (const t of events.flatMap(touched)) {
    const thing = t.kind === 'unit' ? s.units.get(t.id) : s.branches.get(t.id);
    if (!thing) continue;
    if (t.changes && thing.changedOn !== undefined && on < thing.changedOn) {
      throw new RuleViolation('dated-before-last-change', `${t.kind} ${t.id} was last renamed or moved from ${thing.changedOn}: a rename or move of it is dated on or after that day`, { [`${t.kind}Id`]: t.id, changedOn: thing.changedOn });
    }
  }
}

/** The branches an event closes. */
function closedBy(e: OrganisationEvent): string[] {
  if (e.type === 'BranchDissolved') return [e.data.branchId];
  if (e.type === 'BranchesMerged') return e.data.sourceBranchIds.filter((id) => id !== e.data.intoBranchId);
  if (e.type === 'BranchSplit') return [e.data.sourceBranchId];
  return [];
}

/**
 * A branch closed on a day before a move of it recorded earlier (a commune merger moves the
 * commune's branches on its day; the branch's dissolution, dated before it, is recorded after)
 * closed where it stood that day: the decision moves it back there first, dated its closing day,
 * so that neither today's structure nor a day after the move shows it, closed, under a unit it never
 * sat in (a probe found it listed under the merged commune's successor). The move back is dated
 * before the move it undoes, which checkDated refuses of a move on its own; this one follows
 * from the closure.
 */
export function placedWhereClosed(events: OrganisationEvent[], s: Structure, on: string): OrganisationEvent[] {
  return events.flatMap((e) => [...closedBy(e).flatMap((id) => movedBack(s, id, on)), e]);
}

function movedBack(s: Structure, branchId: string, on: string): OrganisationEvent[] {
  const branch = s.branches.get(branchId);
  // moves are recorded in the order of their days (checkDated): the first one after the closing day left where it stood then
  const firstAfter = branch?.moves?.find((m) => m.on > on);
  if (!branch || !firstAfter || firstAfter.fromUnitId === branch.parentUnitId) return [];
  return [{ type: 'BranchMoved', data: { branchId, fromUnitId: branch.parentUnitId, toUnitId: firstAfter.fromUnitId } }];
}

/** The decider, its events checked against their effective date (checkDated), a branch closed before a later move placed back where it stood (placedWhereClosed). */
export function dated<C>(decider: Pick<Decider<C, StructureFact, Structure>, 'decide'>, on: string): Pick<Decider<C, StructureFact, Structure>, 'decide'> {
  return {
    decide: (command, state) => {
      const events = decider.decide(command, state) as OrganisationEvent[];
      checkDated(events, state, on);
      return placedWhereClosed(events, state, on) as StructureFact[];
    },
  };
}
