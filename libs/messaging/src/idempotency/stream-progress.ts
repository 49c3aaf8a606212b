/** What StreamProgress needs of an event: where it stands in its stream. */
export interface StreamPlace {
  streamId: string;
  revision: number;
}

/**
 * Idempotency for in-memory replicas (the fourth case of docs/messaging.md): remembers the last
 * revision applied per stream. Kafka keeps a stream's events in order, so anything at or below that
 * revision is a redelivery (a rebalance, a replayed dead letter) and must not be applied again: an
 * old event applied late would undo the newer ones. The replica and this memory live and die with
 * the process, and the consumer reads the topic from its start at each boot, so they stay in step.
 */
export class StreamProgress {
  private readonly applied = new Map<string, number>();

  /** True when the event was applied already, or an event after it in its stream. */
  seen(event: StreamPlace): boolean {
    return (this.applied.get(event.streamId) ?? -1) >= event.revision;
  }

  /** Call once the event's effects are done, so that a failed attempt is tried again. */
  record(event: StreamPlace): void {
    if (!this.seen(event)) this.applied.set(event.streamId, event.revision);
  }
}
