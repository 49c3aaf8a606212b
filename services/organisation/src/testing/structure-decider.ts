import { Decider } from '@register/event-sourcing';
import { OrganisationEvent } from '@register/contracts';
import { BranchCommand, decideBranch } from '../branches/branch-commands';
import { decideMerge, MergeBranches } from '../reorganisation/merge-branches';
import { decideSplit, SplitBranch } from '../reorganisation/split-branch';
import { decideUnit, UnitCommand } from '../units/unit-commands';
import { Structure, structureAggregate, StructureFact } from '../domain/structure';

export type StructureCommand = UnitCommand | BranchCommand | MergeBranches | SplitBranch;

/**
 * Every structure command in one decider, for specifications and random plays only: the service
 * runs each capability's own decider (unitDecider, branchDecider, mergeDecider, splitDecider).
 */
export const structureDecider: Decider<StructureCommand, StructureFact, Structure> = {
  ...structureAggregate,
  decide(command, state): OrganisationEvent[] {
    switch (command.type) {
      case 'EstablishUnit':
      case 'RenameUnit':
      case 'MoveUnit':
      case 'DissolveUnit':
        return decideUnit(command, state);
      case 'EstablishBranch':
      case 'RenameBranch':
      case 'MoveBranch':
      case 'DissolveBranch':
        return decideBranch(command, state);
      case 'MergeBranches':
        return decideMerge(command, state);
      case 'SplitBranch':
        return decideSplit(command, state);
    }
  },
};
