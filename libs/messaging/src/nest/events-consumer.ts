import { Controller, Inject, Type, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RecordedEvent } from '@register/event-sourcing';
import { SeenEvents } from '../idempotency/seen-events';
import { eventsTopic } from '../topics';
import { KeepHandlerErrors } from './keep-handler-errors.filter';

/** What a consumer tells of itself: whether an event's effects are done (a test waits on it for the replica to catch up). */
export interface AppliedEvents {
  hasApplied(eventId: string): boolean;
}

/**
 * A consumer of another service's events, from Kafka (distributed) or the in-process bus
 * (embedded): the same handler. A redelivered event (a rebalance, a retry after a crash) is
 * skipped by its id before it can set a replica back; a failed attempt is not recorded and runs
 * again in full; its error reaches the transport, and so the dead letter. `apply` hands the event
 * to `target`, a provider of the consuming service.
 */
export function eventsConsumer<T>(service: string, target: Type<T>, apply: (target: T, event: RecordedEvent) => unknown): Type<AppliedEvents> {
  @Controller()
  @UseFilters(KeepHandlerErrors)
  class EventsConsumer {
    private readonly applied = new SeenEvents();

    constructor(@Inject(target) private readonly handler: T) {}

    @EventPattern(eventsTopic(service))
    onEvent(@Payload() event: RecordedEvent): Promise<void> {
      return this.applied.once(event, () => apply(this.handler, event));
    }

    hasApplied(eventId: string): boolean {
      return this.applied.seen({ eventId });
    }
  }
  Object.defineProperty(EventsConsumer, 'name', { value: `${target.name}Consumer` });
  return EventsConsumer;
}
