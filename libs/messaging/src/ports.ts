import { RecordedEvent } from '@register/event-sourcing';

/**
 * Puts events on a topic. Resolves only once the transport holds them durably (Kafka: acknowledged
 * by all in-sync replicas); a rejection means "maybe published", so the caller publishes again.
 * `origin`: the id of the first event of the log the events come from, sent with each (LogRelay).
 */
export interface EventPublisher {
  publish(topic: string, events: RecordedEvent[], origin?: string): Promise<void>;
  close(): Promise<void>;
}

/** How far a named reader (a relay) got in a log; 0 when it never saved. */
export interface CheckpointStore {
  load(name: string): Promise<number>;
  save(name: string, position: number): Promise<void>;
}
