import type { PGlite } from '@electric-sql/pglite';
import { RecordedEvent } from '@register/event-sourcing';
import { createPglite, pgliteClient, SqlCheckpointStore, SqlEventStore } from '@register/event-store';
import { LogRelay } from './log-relay';
import { EventPublisher } from './ports';

/** A publisher that refuses every third call, as a broker would during a leader change. */
class FlakyPublisher implements EventPublisher {
  readonly published: RecordedEvent[] = [];
  readonly origins = new Set<string | undefined>();
  calls = 0;
  async publish(_topic: string, events: RecordedEvent[], origin?: string) {
    if (++this.calls % 3 === 0) throw new Error('not the leader');
    this.published.push(...events);
    this.origins.add(origin);
  }
  async close() {}
}

const event = (i: number) => ({
  eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  type: 'Appended',
  schemaVersion: 1,
  data: { i },
  metadata: { actor: 'test', reason: 'spec', effectiveDate: '2026-01-01', correlationId: 'c' },
});

/** The database's lock of the relays, as ProcessLocks.tryLead gives it: one holder at a time. */
class SharedLock {
  holder?: string;
  async tryLead(name: string) {
    if (this.holder && this.holder !== name) return undefined;
    this.holder = name;
    return { release: async () => void (this.holder = undefined), held: () => this.holder === name };
  }
}

async function waitFor(condition: () => boolean | Promise<boolean>) {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 5));
}

describe('LogRelay (PGlite log, flaky publisher)', () => {
  let db: PGlite;
  let store: SqlEventStore;
  let checkpoints: SqlCheckpointStore;

  beforeEach(async () => {
    db = await createPglite();
    const client = { ...pgliteClient(db), close: async () => undefined };
    store = await SqlEventStore.open(client, 'svc');
    checkpoints = await SqlCheckpointStore.open(client, 'svc');
  });
  afterEach(() => db.close());

  it('publishes every event in log order, retrying refused batches, and checkpoints only what was acknowledged', async () => {
    for (let i = 0; i < 120; i++) await store.append(`s-${i % 7}`, [event(i)], 'any');
    const publisher = new FlakyPublisher();
    const relay = new LogRelay(store, publisher, 'topic', checkpoints, 'relay', { batchSize: 25, backoff: { initialMs: 1, maxMs: 2 } });
    await relay.start();
    await waitFor(() => relay.publishedUpTo === 120);
    await relay.stop();
    expect(publisher.published.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(await checkpoints.load('relay')).toBe(120);
    expect([...publisher.origins]).toEqual([event(0).eventId]); // the log's first event names the log, in every batch
  });

  it('starts again from the checkpoint after a stop: nothing skipped, nothing acknowledged republished', async () => {
    for (let i = 0; i < 30; i++) await store.append('s', [event(i)], 'any');
    const first = new FlakyPublisher();
    let relay = new LogRelay(store, first, 'topic', checkpoints, 'relay', { batchSize: 10, backoff: { initialMs: 1, maxMs: 2 } });
    await relay.start();
    await waitFor(async () => (await checkpoints.load('relay')) === 30);
    await relay.stop();
    for (let i = 30; i < 40; i++) await store.append('s', [event(i)], 'any');
    const second = new FlakyPublisher();
    relay = new LogRelay(store, second, 'topic', checkpoints, 'relay', { batchSize: 10 });
    await relay.start();
    await waitFor(() => relay.publishedUpTo === 40);
    await relay.stop();
    expect(second.published.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 10 }, (_, i) => 30 + i));
    expect([...second.origins]).toEqual([event(0).eventId]); // a relay resuming mid-log names the same log
  });

  it('of two relays of one log, only the one holding the lock publishes; the other follows its checkpoint and takes over once it stops', async () => {
    const shared = new SharedLock();
    const lock = (name: string) => () => shared.tryLead(name);
    for (let i = 0; i < 20; i++) await store.append('s', [event(i)], 'any');
    const [first, second] = [new FlakyPublisher(), new FlakyPublisher()];
    const options = (name: string) => ({ batchSize: 10, backoff: { initialMs: 1, maxMs: 2 }, leadership: lock(name), standbyMs: 5 });
    const leading = new LogRelay(store, first, 'topic', checkpoints, 'relay', options('one'));
    const standing = new LogRelay(store, second, 'topic', checkpoints, 'relay', options('two'));
    await leading.start();
    await standing.start();
    expect([leading.leading, standing.leading]).toEqual([true, false]);
    await waitFor(() => standing.publishedUpTo === 20); // read from the leader's checkpoint
    expect(await standing.whenPublished(20, Date.now() + 1000)).toBe(true);
    expect(second.published).toEqual([]);

    await leading.stop();
    for (let i = 20; i < 30; i++) await store.append('s', [event(i)], 'any');
    await waitFor(() => standing.leading && standing.publishedUpTo === 30);
    await standing.stop();
    expect(first.published.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(second.published.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 10 }, (_, i) => 20 + i));
    expect(shared.holder).toBeUndefined(); // given back at stop
  });

  it('a relay whose lock was lost (its connection to the database) stops publishing while another holds it, and goes on after its checkpoint once it takes it back', async () => {
    const shared = new SharedLock();
    const lock = (name: string) => () => shared.tryLead(name);
    const [first, second] = [new FlakyPublisher(), new FlakyPublisher()];
    const options = (name: string) => ({ batchSize: 5, backoff: { initialMs: 1, maxMs: 2 }, leadership: lock(name), standbyMs: 5 });
    const one = new LogRelay(store, first, 'topic', checkpoints, 'relay', options('one'));
    await one.start();
    for (let i = 0; i < 10; i++) await store.append('s', [event(i)], 'any');
    await waitFor(() => one.publishedUpTo === 10);
    shared.holder = undefined; // the server dropped one's lock (its connection lost)
    const two = new LogRelay(store, second, 'topic', checkpoints, 'relay', options('two'));
    await two.start(); // takes it
    await waitFor(() => !one.leading);
    for (let i = 10; i < 20; i++) await store.append('s', [event(i)], 'any');
    await waitFor(async () => two.publishedUpTo === 20 && (await checkpoints.load('relay')) === 20);
    await two.stop(); // gives it back: one takes it again
    for (let i = 20; i < 25; i++) await store.append('s', [event(i)], 'any');
    await waitFor(() => one.leading && one.publishedUpTo === 25);
    await one.stop();
    const all = [...first.published, ...second.published].map((e) => (e.data as { i: number }).i).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 25 }, (_, i) => i)); // each event published once
    expect(second.published.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
  });
});
