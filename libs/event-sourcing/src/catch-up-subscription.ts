import { EventHandler, SubscribeOptions, Subscription } from './event-store';
import { RecordedEvent } from './envelope';

/** What a catch-up subscription needs from a store: paged reads and a signal that something was appended. */
export interface GlobalLogSource {
  readAll(after: number, limit: number): Promise<RecordedEvent[]>;
  /** Registers a callback for "new events may be there"; returns an unregister function. */
  onAppended(listener: () => void): () => void;
}

/**
 * Catch-up then live, by reading the global log in pages. One mechanism for every store whose
 * readers can trust position order (see the PostgreSQL adapter for why ours can): a page shorter
 * than the batch means "caught up", so we wait for an append signal, or at most `pollMs`.
 */
export function catchUpSubscription(source: GlobalLogSource, after: number, handler: EventHandler, options: SubscribeOptions = {}): Subscription {
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollMs ?? 250;
  let stopped = false;
  let wake: (() => void) | undefined;
  let signalled = false;
  const unregister = source.onAppended(() => {
    signalled = true;
    wake?.();
  });
  const sleep = () =>
    new Promise<void>((resolve) => {
      if (signalled || stopped) return resolve();
      const timer = setTimeout(resolve, pollMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = async () => {
    let checkpoint = after;
    try {
      while (!stopped) {
        signalled = false;
        const page = await source.readAll(checkpoint, batchSize);
        for (const event of page) {
          if (stopped) return;
          await handler(event);
          checkpoint = event.position;
        }
        if (page.length < batchSize) await sleep();
      }
    } finally {
      unregister();
    }
  };
  const done = run();
  return {
    done,
    async stop() {
      stopped = true;
      wake?.();
      await done.catch(() => undefined);
    },
  };
}
