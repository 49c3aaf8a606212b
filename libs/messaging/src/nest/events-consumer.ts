import { Controller, Inject, Type, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { RecordedEvent } from '@register/event-sourcing';
import { AppliedWatermarks, AppliedWatermarksState } from '../idempotency/applied-watermarks';
import { eventsTopic } from '../topics';
import { deliveryLane } from './delivery-lane';
import { KeepHandlerErrors } from './keep-handler-errors.filter';

/** What a consumer tells of itself: whether a recent event's effects are done (a test waits on it for the replica to catch up). */
export interface AppliedEvents {
  hasApplied(eventId: string): boolean;
}

/**
 * A consumer of another service's events, from Kafka (distributed) or the in-process bus
 * (embedded): the same handler. A redelivered event (a rebalance, a retry after a crash) is
 * skipped before it can set a replica back; a failed attempt is not recorded as applied and runs
 * again in full; its error reaches the transport, and so the dead letter. `apply` hands the event
 * to `target`, a provider of the consuming service.
 *
 * What it has applied is kept as AppliedWatermarks keeps it: a position per log and partition, the
 * ids still failed and the last few thousand ids, so that it does not grow with the log (each id
 * of every event, as it was kept before, was most of a province's group snapshots).
 *
 * In the embedded start and in resumable groups the consumer is a snapshot part (service-kit's
 * SnapshotPart, implemented by shape: messaging does not depend on service-kit): what it has
 * applied is kept with the replica it feeds, so that a start resuming from a saved position still
 * skips what was applied.
 */
export function eventsConsumer<T>(service: string, target: Type<T>, apply: (target: T, event: RecordedEvent) => unknown): Type<AppliedEvents> {
  @Controller()
  @UseFilters(KeepHandlerErrors)
  class EventsConsumer {
    private readonly applied = new AppliedWatermarks();
    /** Unique in a process: one consumer per target and source service. */
    readonly snapshotName = `consumer.${service}.${target.name}`;
    readonly snapshotVersion = 2;

    constructor(@Inject(target) private readonly handler: T) {}

    @EventPattern(eventsTopic(service))
    async onEvent(@Payload() event: RecordedEvent, @Ctx() context: unknown): Promise<void> {
      const lane = deliveryLane(context);
      if (this.applied.isApplied(event, lane)) return;
      try {
        await apply(this.handler, event);
      } catch (error) {
        this.applied.recordFailed(event);
        throw error;
      }
      this.applied.recordApplied(event, lane); // only once done: a failed attempt runs again in full
    }

    /** By id: answers for the last RECENT_APPLIED_IDS events applied (a test waiting on its latest events). */
    hasApplied(eventId: string): boolean {
      return this.applied.isRecentlyApplied(eventId);
    }

    snapshotState(): AppliedWatermarksState {
      return this.applied.snapshotState();
    }

    restoreState(state: unknown): void {
      this.applied.restoreState(state as AppliedWatermarksState);
    }
  }
  Object.defineProperty(EventsConsumer, 'name', { value: `${target.name}Consumer` });
  return EventsConsumer;
}
