import { randomUUID } from 'node:crypto';
import { EventToAppend } from '@register/event-sourcing';
import { pgliteClient } from './pglite';
import { createPglite } from './pglite-template';
import { SqlEventStore } from './sql-event-store';

/**
 * PGlite answers on this thread, and its answers resolve as promises only: a loop of reads never
 * reaches the event loop's timer phase unless the store yields. These count what a timer set before
 * a long read could do before it ended (no durations measured).
 */
const EVENTS = 3000;
const PAGE = 100;

const event = (i: number): EventToAppend => ({ eventId: randomUUID(), type: 'Happened', schemaVersion: 1, data: { i }, metadata: { actor: 't', reason: 'r', effectiveDate: '2026-12-02', correlationId: 'c' } });

/** A 0 ms timer and an immediate, each set again as soon as it runs, counting how often each ran until stopped. */
function ticking() {
  let timers = 0;
  let immediates = 0;
  let stopped = false;
  const timer = () => void setTimeout(() => stopped || (timers++, timer()), 0);
  const immediate = () => void setImmediate(() => stopped || (immediates++, immediate()));
  timer();
  immediate();
  return { timers: () => timers, immediates: () => immediates, stop: () => void (stopped = true) };
}

describe('SqlEventStore on PGlite: a long read lets timers run', () => {
  let db: Awaited<ReturnType<typeof createPglite>>;
  let store: SqlEventStore;

  beforeAll(async () => {
    db = await createPglite();
    store = await SqlEventStore.open(pgliteClient(db), 'yields');
    for (let i = 0; i < EVENTS; i += 500) await store.append(`s-${i}`, Array.from({ length: 500 }, (_, k) => event(i + k)), 'no_stream');
  });
  afterAll(() => db.close());

  it('fires a timer between the pages of a readAll loop', async () => {
    const timer = ticking();
    let after = 0;
    let pages = 0;
    for (;;) {
      const page = await store.readAll(after, PAGE);
      if (page.length === 0) break;
      pages++;
      after = page[page.length - 1].position;
    }
    timer.stop();
    expect(pages).toBe(EVENTS / PAGE);
    expect(timer.timers()).toBeGreaterThan(0);
    // a turn of the loop per page (not per event: the immediate would then run 3,000 times)
    expect(timer.immediates()).toBeGreaterThanOrEqual(pages - 1);
    expect(timer.immediates()).toBeLessThan(EVENTS / 2);
  });

  it('fires a timer while a subscription catches up', async () => {
    const timer = ticking();
    let seen = 0;
    let done!: () => void;
    const reached = new Promise<void>((resolve) => (done = resolve));
    const subscription = store.subscribe(0, () => {
      if (++seen === EVENTS) done();
    }, { batchSize: PAGE });
    await reached;
    const [timers, immediates] = [timer.timers(), timer.immediates()];
    timer.stop();
    await subscription.stop();
    expect(timers).toBeGreaterThan(0);
    expect(immediates).toBeGreaterThanOrEqual(EVENTS / PAGE - 1);
  });
});
