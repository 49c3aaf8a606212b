import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RecordedEvent } from '@register/event-sourcing';
import { eventsTopic, KeepHandlerErrors, SeenEvents } from '@register/messaging';
import { ConsumerGroupSpec } from '@register/service-kit';
import { OrganisationReactions } from './organisation-reactions.service';

/**
 * Personnel's one consumer group. In memory: the branch replica lives in the process, so the group
 * never commits and each start reads organisation's topic from its beginning (the reactions' command
 * ids make the replayed mergers append nothing).
 */
export const BRANCH_SYNC: ConsumerGroupSpec = { group: 'personnel.branch-sync', inMemory: true };

/**
 * Organisation's events, from Kafka (distributed) or the in-process bus (embedded): the same handler.
 * A redelivered event (a rebalance, a retry after a crash) is skipped by its id before it can set
 * the replica back; a failed attempt is not recorded, and runs again in full.
 */
@Controller()
@UseFilters(KeepHandlerErrors) // the real error reaches the transport, and so the dead letter
export class BranchSyncConsumer {
  private readonly applied = new SeenEvents();

  constructor(private readonly reactions: OrganisationReactions) {}

  @EventPattern(eventsTopic('organisation'))
  async onOrganisationEvent(@Payload() event: RecordedEvent): Promise<void> {
    if (this.applied.seen(event)) return;
    await this.reactions.handle(event);
    this.applied.record(event);
  }
}
