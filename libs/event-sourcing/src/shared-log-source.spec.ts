import { catchUpSubscription, GlobalLogSource, sharedLogSource } from './catch-up-subscription';
import { RecordedEvent } from './envelope';

/** A log in memory whose reads are counted, and answered when the test says so. */
function countedLog() {
  const events: RecordedEvent[] = [];
  const listeners = new Set<() => void>();
  let reads = 0;
  const pending: Array<() => void> = [];
  const source: GlobalLogSource = {
    readAll: (after, limit) => {
      reads++;
      const snapshot = events.filter((e) => e.position > after).slice(0, limit);
      return new Promise((resolve) => pending.push(() => resolve(snapshot)));
    },
    onAppended: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  const append = (n: number) => {
    events.push({ eventId: `e-${n}`, streamId: 's', revision: n - 1, position: n, type: 'Happened', schemaVersion: 1, data: { n }, metadata: { actor: 'a', reason: 'r', effectiveDate: '2025-01-01', correlationId: 'c' }, recordedAt: '2025-01-01T00:00:00.000Z' });
    for (const l of [...listeners]) l();
  };
  const answerAll = () => pending.splice(0).forEach((answer) => answer());
  return { source, append, answerAll, reads: () => reads };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('sharedLogSource', () => {
  it('gives those who ask for the same page before the next append one read between them', async () => {
    const log = countedLog();
    const shared = sharedLogSource(log.source);
    log.append(1);
    const [a, b] = [shared.readAll(0, 10), shared.readAll(0, 10)];
    const c = shared.readAll(1, 10); // another page: a read of its own
    log.answerAll();
    expect((await a).map((e) => e.position)).toEqual([1]);
    expect(await b).toBe(await a);
    expect(await c).toEqual([]);
    expect(log.reads()).toBe(2);
  });

  it('starts a new read for one who asks after an append notice, though a read of that page is in flight', async () => {
    const log = countedLog();
    const shared = sharedLogSource(log.source);
    log.append(1);
    const early = shared.readAll(0, 10); // began before event 2 was appended
    log.append(2);
    const late = shared.readAll(0, 10);
    log.answerAll();
    expect((await early).map((e) => e.position)).toEqual([1]);
    expect((await late).map((e) => e.position)).toEqual([1, 2]);
    expect(log.reads()).toBe(2);
  });

  it('shares a read between subscribers that page differently, reading again only for a longer page after a full one', async () => {
    const log = countedLog();
    const shared = sharedLogSource(log.source);
    for (let n = 1; n <= 3; n++) log.append(n);
    const [three, two, five] = [shared.readAll(0, 3), shared.readAll(0, 2), shared.readAll(0, 5)];
    log.answerAll();
    expect((await two).map((e) => e.position)).toEqual([1, 2]);
    expect((await three).map((e) => e.position)).toEqual([1, 2, 3]);
    await new Promise((resolve) => setImmediate(resolve));
    log.answerAll(); // the page of 3 came back full: the page of 5 needs a read of its own
    expect((await five).map((e) => e.position)).toEqual([1, 2, 3]);
    expect(log.reads()).toBe(2);
    const [ten, four] = [shared.readAll(1, 10), shared.readAll(1, 40)];
    log.answerAll();
    expect((await four).map((e) => e.position)).toEqual([2, 3]); // the page of 10 was short: the end of the log
    expect(await ten).toEqual(await four);
    expect(log.reads()).toBe(3);
  });

  it('shares nothing once a read has ended', async () => {
    const log = countedLog();
    const shared = sharedLogSource(log.source);
    const first = shared.readAll(0, 10);
    log.answerAll();
    await first;
    const second = shared.readAll(0, 10);
    log.answerAll();
    await second;
    expect(log.reads()).toBe(2);
  });

  it('hands the pages out frozen under tests, so that a subscriber cannot change what others read', async () => {
    const log = countedLog();
    const shared = sharedLogSource(log.source);
    log.append(1);
    const page = shared.readAll(0, 10);
    log.answerAll();
    const [event] = await page;
    expect(() => ((event.data as { n: number }).n = 2)).toThrow(TypeError);
  });

  it('lets three live subscriptions woken by each append read the log once per append, and each sees every event', async () => {
    const log = countedLog();
    const shared = sharedLogSource(log.source);
    const seen: number[][] = [[], [], []];
    const subscriptions = seen.map((s) => catchUpSubscription(shared, 0, (e) => void s.push(e.position), { pollMs: 60_000 }));
    for (let n = 1; n <= 5; n++) {
      await tick();
      log.answerAll(); // each caught up: a short page, then asleep
      await tick();
      log.append(n);
    }
    for (let i = 0; i < 3; i++) {
      await tick();
      log.answerAll();
    }
    await Promise.all(subscriptions.map((s) => s.stop()));
    expect(seen).toEqual([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]);
    expect(log.reads()).toBe(6); // the first, empty, read and one per append: not three
  });
});
