import { catchUpSubscription, ReadAllOptions, RecordedEvent } from '@register/event-sourcing';
import { EventSource } from '@register/read-models';
import { AuditableLog } from '@register/service-kit';

/** How often a reporting projection looks for new events when nothing tells it (the log lives in another service). */
const POLL_MS = 100;

/**
 * A service's log as a reporting projection reads it: through the port the service gives the
 * gateway (auditableLogToken in one process, the service's internal log endpoint when
 * distributed), in position order, never by opening the service's database. New events are found
 * by polling, and `wake` (a consumer hearing the service's topic) makes the projection look at once;
 * a log in this process (the embedded start) is followed through its own subscription instead.
 */
export class ServiceLogSource implements EventSource {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly log: AuditableLog) {}

  readAll(after: number, limit: number, options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.log.readAll(after, limit, options);
  }

  headPosition(): Promise<number> {
    return this.log.headPosition();
  }

  subscribe: EventSource['subscribe'] = (after, handler, options) => {
    // In one process the log is followed as the service follows it: woken by each append, no polling.
    if (this.log.subscribe) return this.log.subscribe(after, handler, options);
    const source = { readAll: (a: number, l: number) => this.readAll(a, l), onAppended: (listener: () => void) => this.listen(listener) };
    return catchUpSubscription(source, after, handler, { ...options, pollMs: Math.min(options?.pollMs ?? POLL_MS, POLL_MS) });
  };

  async *readPages(after: number, pageSize: number, until?: number, options?: ReadAllOptions): AsyncIterable<RecordedEvent[]> {
    for (let page = await this.readAll(after, pageSize, options); page.length > 0; page = await this.readAll(after, pageSize, options)) {
      const kept = until === undefined ? page : page.filter((e) => e.position <= until);
      if (kept.length) yield kept;
      after = page[page.length - 1].position;
      if (until !== undefined && after >= until) return;
    }
  }

  /** New events may be in the log: the subscriptions read at once. */
  wake(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
