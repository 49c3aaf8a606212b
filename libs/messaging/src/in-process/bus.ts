import { RecordedEvent } from '@register/event-sourcing';
import { EventMessage, toMessage } from '../codec';
import { EventPublisher } from '../ports';

/** A subscriber of one topic: resolves when it is done with the message (handled or dead-lettered). */
export type BusSubscriber = (message: EventMessage) => Promise<void>;

export interface InProcessDeadLetter {
  topic: string;
  group: string;
  message: EventMessage;
  error: string;
  attempts: number;
  failedAt: string;
}

/**
 * The embedded start's broker: topics are names, delivery is a function call. `publish` resolves
 * once every subscribed group is done with every event, in order, so the relay's checkpoint never
 * runs ahead of the consumers; a crash in between means a replay, which idempotent handlers absorb.
 * Each message is encoded as for Kafka, so handlers see exactly what they would see from the broker.
 */
export class InProcessBus {
  /**
   * The embedded snapshot keeps the dead letters (a SnapshotPart by shape: messaging does not import
   * service-kit). Before snapshots every start replayed the logs, and so tried each dead letter
   * again; a start that resumes from a snapshot no longer does, so it sends them back itself.
   */
  readonly snapshotName = 'messaging.in-process-bus';
  readonly snapshotVersion = 1;
  private readonly subscribers = new Map<string, Map<string, BusSubscriber>>();
  readonly deadLetters: InProcessDeadLetter[] = [];
  private restoredLetters = false;
  private markOpen = () => {};
  private readonly opened = new Promise<void>((resolve) => (this.markOpen = resolve));

  /**
   * Lets publishing begin. Unlike Kafka, the bus keeps no history: a group that subscribes after an
   * event went by never sees it. So publishing waits until every consumer has subscribed (call this
   * after the consumers' servers listen).
   */
  open(): void {
    this.markOpen();
    if (this.restoredLetters) void this.retryRestored();
  }

  snapshotState(): InProcessDeadLetter[] {
    return this.deadLetters.map((letter) => ({ ...letter, message: { ...letter.message, headers: { ...letter.message.headers } } }));
  }

  restoreState(state: unknown): void {
    this.deadLetters.push(...((state as InProcessDeadLetter[] | undefined) ?? []));
    this.restoredLetters = this.deadLetters.length > 0;
  }

  /** Each group's restored dead letters, sent back once as a start that replayed the logs would have; a letter that fails again is dead-lettered again. */
  private async retryRestored(): Promise<void> {
    this.restoredLetters = false;
    for (const group of new Set(this.deadLetters.map((l) => l.group))) await this.replay(group);
  }

  /** One subscriber per topic and group, as a consumer group has one position per topic. */
  subscribe(topic: string, group: string, subscriber: BusSubscriber): () => void {
    const groups = this.subscribers.get(topic) ?? new Map<string, BusSubscriber>();
    this.subscribers.set(topic, groups);
    groups.set(group, subscriber);
    return () => groups.delete(group);
  }

  async publish(topic: string, events: RecordedEvent[], origin?: string): Promise<void> {
    await this.opened;
    for (const event of events) {
      const message = toMessage(event, origin);
      for (const subscriber of [...(this.subscribers.get(topic)?.values() ?? [])]) await subscriber(message);
    }
  }

  /** Sends a group's dead letters back to it (only to it: the other groups had no trouble). */
  async replay(group: string, accept: (letter: InProcessDeadLetter) => boolean = () => true): Promise<number> {
    const chosen = this.deadLetters.filter((l) => l.group === group && accept(l));
    for (const letter of chosen) this.deadLetters.splice(this.deadLetters.indexOf(letter), 1);
    for (const letter of chosen) await this.subscribers.get(letter.topic)?.get(group)?.(letter.message);
    return chosen.length;
  }
}

/** The EventPublisher of the embedded start: the relay publishes here instead of to Kafka. */
export class InProcessEventPublisher implements EventPublisher {
  constructor(private readonly bus: InProcessBus) {}

  publish(topic: string, events: RecordedEvent[], origin?: string): Promise<void> {
    return this.bus.publish(topic, events, origin);
  }

  async close(): Promise<void> {}
}
