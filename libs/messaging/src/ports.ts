import { RecordedEvent } from '@register/event-sourcing';

/**
 * Puts events on a topic. Resolves only once the transport holds them durably (Kafka: acknowledged
 * by all in-sync replicas); a rejection means "maybe published", so the caller publishes again.
 */
export interface EventPublisher {
  publish(topic: string, events: RecordedEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** How far a named reader (a relay) got in a log; 0 when it never saved. */
export interface CheckpointStore {
  load(name: string): Promise<number>;
  save(name: string, position: number): Promise<void>;
}
