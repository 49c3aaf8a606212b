import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RecordedEvent } from '@register/event-sourcing';
import { eventsTopic, StreamProgress } from '@register/messaging';
import { ConsumerGroupSpec } from '@register/service-kit';
import { applyPersonnelEvent } from './personnel-events';
import { PeopleReplica } from './people-replica';

/**
 * Organisation's one consumer group. In memory like the replica it feeds: it never commits, so each
 * start reads personnel's topic from its beginning.
 */
export const PEOPLE_SYNC: ConsumerGroupSpec = { group: 'organisation.people-sync', inMemory: true };

/**
 * Personnel's events, from Kafka (distributed) or the in-process bus (embedded): the same handler.
 * Idempotent by stream revision: a redelivered admission must not put a member back into the branch
 * they have since left.
 */
@Controller()
export class PeopleSyncConsumer {
  private readonly progress = new StreamProgress();

  constructor(private readonly people: PeopleReplica) {}

  @EventPattern(eventsTopic('personnel'))
  onPersonnelEvent(@Payload() event: RecordedEvent): void {
    if (this.progress.seen(event)) return;
    applyPersonnelEvent(this.people, event);
    this.progress.record(event);
  }
}
