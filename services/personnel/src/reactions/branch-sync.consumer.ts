import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RecordedEvent } from '@register/event-sourcing';
import { eventsTopic, StreamProgress } from '@register/messaging';
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
 * Organisation's structure is one stream, so StreamProgress turns any redelivery into a no-op before
 * it can set the replica back; a failed attempt is not recorded and runs again in full.
 */
@Controller()
export class BranchSyncConsumer {
  private readonly progress = new StreamProgress();

  constructor(private readonly reactions: OrganisationReactions) {}

  @EventPattern(eventsTopic('organisation'))
  async onOrganisationEvent(@Payload() event: RecordedEvent): Promise<void> {
    if (this.progress.seen(event)) return;
    await this.reactions.handle(event);
    this.progress.record(event);
  }
}
