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

/** The decider, its events checked against their effective date (checkDated). */
export function dated<C>(decider: Pick<Decider<C, StructureFact, Structure>, 'decide'>, on: string): Pick<Decider<C, StructureFact, Structure>, 'decide'> {
  return {
    decide: (command, state) => {
      const events = decider.decide(command, state);
      checkDated(events as OrganisationEvent[], state, on);
      return events;
    },
  };
}
