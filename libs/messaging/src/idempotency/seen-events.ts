/**
 * Idempotency for in-memory replicas (the fourth case of docs/messaging.md): the ids of the events
 * whose effects are done. The replica and this memory live and die with the process, or are kept
 * together in one snapshot (docs/scale.md), so they stay in step.
 * Why ids and not the last revision per stream: one topic may carry streams of the same name from
 * different logs (every test run's `organisation-structure`; a log restored and published anew),
 * whose revisions repeat. The event id is the one key that is unique. The cost is one id per event
 * of the topic in memory, the same order as the replica itself.
 */
export class SeenEvents {
  private readonly done = new Set<string>();

  seen(event: { eventId: string }): boolean {
    return this.done.has(event.eventId);
  }

  /** Call once the event's effects are done, so that a failed attempt is tried again in full. */
  record(event: { eventId: string }): void {
    this.done.add(event.eventId);
  }

  /** The consumer's step: an event's effects, once; a redelivery is skipped, a failed attempt runs again in full. */
  async once(event: { eventId: string }, apply: () => unknown): Promise<void> {
    if (this.seen(event)) return;
    await apply();
    this.record(event);
  }
}
