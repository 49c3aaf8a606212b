import { Inject, Injectable } from '@nestjs/common';
import { CommandContext, CommandHandler, CommandResult } from '@register/event-sourcing';
import { branchOfficersStream, memberStream } from '@register/contracts';
import { branchOfficersDecider } from '../domain/branch-officers';
import { memberDecider } from '../domain/member';
import { BranchReplica } from '../application/branch-replica';
import { PersonnelDirectory } from '../application/personnel-directory';
import { PERSONNEL_COMMANDS } from '../application/tokens';
import { OrganisationFact, PlannedCommand, planReactions } from './organisation-reactions';

export const REACTIONS_ACTOR = 'personnel.org-reactions';

/**
 * Runs personnel's reactions to one organisation event: updates the branch replica, then carries out
 * the planned commands, each under its own command id so that a redelivered event changes nothing.
 * The consumer of `register.organisation.events` (wired by the messaging layer) calls `handle`.
 */
@Injectable()
export class OrganisationReactions {
  constructor(
    private readonly replica: BranchReplica,
    private readonly directory: PersonnelDirectory,
    @Inject(PERSONNEL_COMMANDS) private readonly handler: CommandHandler,
  ) {}

  async handle(fact: OrganisationFact): Promise<CommandResult[]> {
    this.replica.apply(fact);
    if (!['BranchesMerged', 'BranchSplit', 'BranchDissolved'].includes(fact.type)) return [];
    await this.directory.caughtUp();
    const results: CommandResult[] = [];
    for (const planned of planReactions(fact, this.directory)) results.push(await this.run(planned, fact));
    return results;
  }

  private run(planned: PlannedCommand, fact: OrganisationFact): Promise<CommandResult> {
    const context: CommandContext = {
      actor: REACTIONS_ACTOR,
      reason: `${fact.type} ${fact.eventId}${fact.metadata.reason ? `: ${fact.metadata.reason}` : ''}`,
      ...(fact.metadata.decision ? { decision: fact.metadata.decision } : {}),
      effectiveDate: fact.metadata.effectiveDate,
      ...(fact.metadata.correlationId ? { correlationId: fact.metadata.correlationId } : {}),
      causationId: fact.eventId,
      commandId: planned.commandId,
    };
    return planned.aggregate === 'member'
      ? this.handler.handle(memberDecider, memberStream(planned.memberId), planned.command, context)
      : this.handler.handle(branchOfficersDecider, branchOfficersStream(planned.branchId), planned.command, context);
  }
}
