import { EventHandler, SubscribeOptions, Subscription } from './event-store';
import { deepFreeze } from './deep-freeze';
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

/**
 * One source for all the live subscriptions of a store: subscribers woken by one append ask for
 * the same page at once, and share one read of it instead of making one each (in the embedded
 * register four reads of the log per append, one per projection and reaction, were most of a
 * write's PGlite time). A read is shared only with those who ask before the next append notice:
 * one woken by a later notice may be waiting for an event the read began too early to see, so it
 * starts a read of its own. Only reads in flight are shared, so nothing is kept. Pages are shared,
 * not copied: subscribers read events and never change them (under tests they are frozen, so one
 * that tried would fail there).
 */
export function sharedLogSource(source: GlobalLogSource): GlobalLogSource {
  let notices = 0;
  const listeners = new Set<() => void>();
  // Counted before any subscriber hears of it: a read started after this line sees the append.
  source.onAppended(() => {
    notices++;
    for (const listener of [...listeners]) listener();
  });
  const inFlight = new Map<number, { notices: number; limit: number; page: Promise<RecordedEvent[]> }>();
  const read = (after: number, limit: number) => {
    const page = source.readAll(after, limit);
    const entry = { notices, limit, page: FROZEN_PAGES ? page.then(deepFreeze) : page };
    inFlight.set(after, entry);
    const forget = () => void (inFlight.get(after) === entry && inFlight.delete(after));
    entry.page.then(forget, forget);
    return entry.page;
  };
  return {
    readAll(after, limit) {
      const shared = inFlight.get(after);
      if (!shared || shared.notices !== notices) return read(after, limit);
      // Subscribers page differently (the relay by 500, a projection by 1,000): a shorter page is
      // the start of a longer one, and a longer one is needed only if the shared one came back full.
      if (limit <= shared.limit) return shared.page.then((page) => (page.length > limit ? page.slice(0, limit) : page));
      return shared.page.then((page) => (page.length < shared.limit ? page : read(after, limit)));
    },
    onAppended(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

const FROZEN_PAGES = process.env.NODE_ENV === 'test';
