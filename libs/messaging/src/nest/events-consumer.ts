import { Controller, Inject, Type, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RecordedEvent } from '@register/event-sourcing';
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
 *
 * In the embedded start the consumer is a snapshot part (service-kit's SnapshotPart, implemented
 * by shape: messaging does not depend on service-kit): its applied ids are kept with the replica it
 * feeds, so that a start resuming from the relay's saved position still skips what was applied.
 * The ids are kept as SeenEvents keeps them (a set, recorded once the effects are done).
 */
export function eventsConsumer<T>(service: string, target: Type<T>, apply: (target: T, event: RecordedEvent) => unknown): Type<AppliedEvents> {
  @Controller()
  @UseFilters(KeepHandlerErrors)
  class EventsConsumer {
    private applied = new Set<string>();
    /** Unique in a process: one consumer per target and source service. */
    readonly snapshotName = `consumer.${service}.${target.name}`;
    readonly snapshotVersion = 1;

    constructor(@Inject(target) private readonly handler: T) {}

    @EventPattern(eventsTopic(service))
    async onEvent(@Payload() event: RecordedEvent): Promise<void> {
      if (this.applied.has(event.eventId)) return;
      await apply(this.handler, event);
      this.applied.add(event.eventId); // only once done: a failed attempt runs again in full
    }

    hasApplied(eventId: string): boolean {
      return this.applied.has(eventId);
    }

    /** The set itself: the snapshot copies it in the same tick. */
    snapshotState(): Set<string> {
      return this.applied;
    }

    restoreState(state: unknown): void {
      this.applied = new Set(state as Iterable<string>);
    }
  }
  Object.defineProperty(EventsConsumer, 'name', { value: `${target.name}Consumer` });
  return EventsConsumer;
}
