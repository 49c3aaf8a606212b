import { routedDecider } from '@register/event-sourcing';
import { BranchCommand, decideBranch } from '../branches/branch-commands';
import { structureAggregate, StructureFact, Structure } from '../domain/structure';
import { decideMerge, MergeBranches } from '../reorganisation/merge-branches';
import { decideSplit, SplitBranch } from '../reorganisation/split-branch';
import { decideUnitMerge, MergeUnits } from '../reorganisation/merge-units';
import { decideUnit, UnitCommand } from '../units/unit-commands';

export type StructureCommand = UnitCommand | BranchCommand | MergeBranches | SplitBranch | MergeUnits;

/**
 * Every structure command in one decider, for specifications and random plays only: the service
 * runs each capability's own decider (unitDecider, branchDecider, mergeDecider, splitDecider, unitMergeDecider).
 */
export const structureDecider = routedDecider<StructureCommand, StructureFact, Structure>(structureAggregate, {
  EstablishUnit: decideUnit,
  RenameUnit: decideUnit,
  MoveUnit: decideUnit,
  DissolveUnit: decideUnit,
  EstablishBranch: decideBranch,
  RenameBranch: decideBranch,
  MoveBranch: decideBranch,
  DissolveBranch: decideBranch,
  MergeBranches: decideMerge,
  SplitBranch: decideSplit,
  MergeUnits: decideUnitMerge,
});
