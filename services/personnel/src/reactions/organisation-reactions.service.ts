import { Inject, Injectable, Logger } from '@nestjs/common';
import { causedBy, CommandContext, CommandHandler, CommandResult, ConflictError, RuleViolation } from '@register/event-sourcing';
import { branchOfficersStream, memberStream } from '@register/contracts';
import { statusDecider } from '../members/change-status';
import { transferDecider } from '../members/transfer-member';
import { periodMoveDecider, periodUnassignDecider } from '../members/move-for-period';
import { departureDecider } from '../officers/depart-officer';
import { BranchGate } from '../application/branch-gate';
import { BranchReplica } from '../application/branch-replica';
import { PersonnelDirectory } from '../application/personnel-directory';
import { PERSONNEL_COMMANDS } from '../application/tokens';
import { closedBranches, OrganisationFact, PlannedCommand, planReactions } from './organisation-reactions';
import { affiliationDecider } from '../members/residential-affiliation';

export const REACTIONS_ACTOR = 'personnel.org-reactions';

/**
 * Runs personnel's reactions to one organisation event: updates the branch replica, then carries out
 * the planned commands, each under its own command id so that a redelivered event changes nothing.
 * BranchSyncConsumer (Kafka or the in-process bus) calls `handle` for each event of `register.organisation.events`.
 */
@Injectable()
export class OrganisationReactions {
  private readonly logger = new Logger('OrganisationReactions');

  constructor(
    private readonly replica: BranchReplica,
    private readonly directory: PersonnelDirectory,
    @Inject(PERSONNEL_COMMANDS) private readonly handler: CommandHandler,
    private readonly gate: BranchGate,
  ) {}

  async handle(fact: OrganisationFact): Promise<CommandResult[]> {
    this.replica.apply(fact);
    const closed = closedBranches(fact);
    if (!closed.length) return [];
    // The replica now refuses newcomers; those that found the branch open are let finish first, so that the directory lists them.
    await this.gate.drain(closed);
    await this.directory.caughtUp();
    const results: CommandResult[] = [];
    for (const planned of planReactions(fact, this.directory)) {
      const result = await this.run(planned, fact).catch((error: unknown) => this.refused(error, planned, fact));
      if (result) results.push(result);
    }
    return results;
  }

  /**
   * A rule that refuses one reaction (say, a member admitted after the merger's effective date) will
   * refuse it again on every retry: it is logged and the other reactions go on. Anything else (the
   * database away) is thrown, for the transport to retry and then dead-letter.
   */
  private refused(error: unknown, planned: PlannedCommand, fact: OrganisationFact): undefined {
    if (!(error instanceof RuleViolation || error instanceof ConflictError)) throw error;
    this.logger.warn(`${fact.type} ${fact.eventId}: ${planned.command.type} ${planned.commandId} refused (${error.rule}): ${error.message}`);
    return undefined;
  }

  private run(planned: PlannedCommand, fact: OrganisationFact): Promise<CommandResult> {
    const context: CommandContext = {
      actor: REACTIONS_ACTOR,
      reason: `${fact.type} ${decisionIdOf(fact)}${fact.metadata.reason ? `: ${fact.metadata.reason}` : ''}`,
      effectiveDate: fact.metadata.effectiveDate,
      ...causedBy(fact),
      commandId: planned.commandId,
    };
    if (planned.aggregate === 'branch-officers') return this.handler.handle(departureDecider, branchOfficersStream(planned.branchId), planned.command, context);
    const stream = memberStream(planned.memberId);
    switch (planned.command.type) {
      case 'TransferMember':
        return this.handler.handle(transferDecider, stream, planned.command, context);
      case 'MoveMemberForPeriod':
        return this.handler.handle(periodMoveDecider, stream, planned.command, context);
      case 'UnassignForPeriod':
        return this.handler.handle(periodUnassignDecider, stream, planned.command, context);
      case 'SetResidentialAffiliation':
        return this.handler.handle(affiliationDecider, stream, planned.command, context);
      default:
        return this.handler.handle(statusDecider, stream, planned.command, context);
    }
  }
}

/**
 * The reorganisation's own id, as its command answered it (`mergerId`, `splitId`; a dissolution's
 * branch): an auditor goes from that answer to the members' history by it. The event's id stays in
 * each reaction's `causationId`.
 */
function decisionIdOf(fact: OrganisationFact): string {
  const data = (fact.data ?? {}) as { mergerId?: unknown; splitId?: unknown };
  const id = data.mergerId ?? data.splitId;
  return typeof id === 'string' ? id : fact.eventId;
}
