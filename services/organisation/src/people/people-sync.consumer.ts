import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RecordedEvent } from '@register/event-sourcing';
import { eventsTopic, KeepHandlerErrors, SeenEvents } from '@register/messaging';
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
 * Idempotent by event id: a redelivered admission must not put a member back into the branch they
 * have since left.
 */
@Controller()
@UseFilters(KeepHandlerErrors) // the real error reaches the transport, and so the dead letter
export class PeopleSyncConsumer {
  private readonly applied = new SeenEvents();

  constructor(private readonly people: PeopleReplica) {}

  @EventPattern(eventsTopic('personnel'))
  onPersonnelEvent(@Payload() event: RecordedEvent): void {
    if (this.applied.seen(event)) return;
    applyPersonnelEvent(this.people, event);
    this.applied.record(event);
  }
}
