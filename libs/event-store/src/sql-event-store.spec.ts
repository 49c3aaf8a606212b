import { randomUUID } from 'node:crypto';
import { EventToAppend, RecordedEvent, Subscription } from '@register/event-sourcing';
import { pgliteClient } from './pglite';
import { createPglite } from './pglite-template';
import { SqlClient, SqlEventStore } from './sql-event-store';

const event = (i: number): EventToAppend => ({ eventId: randomUUID(), type: 'Happened', schemaVersion: 1, data: { i }, metadata: { actor: 't', reason: 'r', effectiveDate: '2026-12-02', correlationId: 'c' } });

/** One PGlite database, as in the embedded start, counting the tail reads of each log. */
async function database() {
  const db = await createPglite();
  const client = pgliteClient(db);
  const tailReads = new Map<string, number>();
  const counting: SqlClient = {
    ...client,
    close: async () => undefined, // the stores share it; closed once below
    query: (sql, params) => {
      const log = /from (\w+)\.events where position > /.exec(sql)?.[1];
      if (log) tailReads.set(log, (tailReads.get(log) ?? 0) + 1);
      return client.query(sql, params);
    },
  };
  return { client: counting, reads: (log: string) => tailReads.get(log) ?? 0, reset: () => tailReads.clear(), close: () => db.close() };
}

/** Subscribers as the embedded start has them on each log: a relay, read-model runners, a write-side view. */
function follow(store: SqlEventStore, pages: number[], handle: (e: RecordedEvent) => Promise<void> | void = () => undefined) {
  const seen = pages.map(() => 0);
  const subscriptions: Subscription[] = pages.map((batchSize, i) =>
    store.subscribe(0, async (e) => {
      await handle(e);
      seen[i] = e.position;
    }, { batchSize, pollMs: 5 }),
  );
  return {
    async reached(position: number) {
      while (seen.some((p) => p < position)) await new Promise((resolve) => setImmediate(resolve));
    },
    stop: () => Promise.all(subscriptions.map((s) => s.stop())),
  };
}

describe('SqlEventStore on PGlite: subscriptions woken by appends', () => {
  it('does not poll an idle log while another log of the same database takes 100 appends', async () => {
    const db = await database();
    const [busy, idle] = await Promise.all([SqlEventStore.open(db.client, 'busy'), SqlEventStore.open(db.client, 'idle')]);
    const followers = follow(idle, [500, 1000, 1000, 500]);
    for (let i = 0; i < 100; i++) {
      await busy.append(`s-${i % 7}`, [event(i)], 'any');
      await new Promise((resolve) => setTimeout(resolve, 10)); // time in which a poll would read
    }
    await followers.stop();
    // a read each to catch up at start; the safety poll (seconds) may add one each on a slow machine
    console.log('idle reads', db.reads('idle'));
    expect(db.reads('idle')).toBeLessThanOrEqual(8);
    await db.close();
  });

  it('reads the tail of a busy log once per append for all its subscribers, even when each takes its time', async () => {
    const db = await database();
    const store = await SqlEventStore.open(db.client, 'busy');
    const followers = follow(store, [500, 1000, 1000, 500], () => new Promise((resolve) => setImmediate(resolve)));
    await followers.reached(0);
    db.reset();
    for (let i = 1; i <= 100; i++) {
      const { position } = await store.append(`s-${i % 7}`, [event(i)], 'any');
      await followers.reached(position);
    }
    await followers.stop();
    expect(db.reads('busy')).toBeLessThanOrEqual(100 + 4);
    await db.close();
  });

  it('wakes its subscribers for an append made through another store on the same log (no poll needed)', async () => {
    const db = await database();
    const store = await SqlEventStore.open(db.client, 'shared');
    const other = await SqlEventStore.open(db.client, 'shared');
    const followers = follow(store, [500]);
    await followers.reached(0);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the subscription is listening
    db.reset();
    const { position } = await other.append('s-1', [event(1)], 'no_stream');
    await followers.reached(position);
    await followers.stop();
    expect(db.reads('shared')).toBeLessThanOrEqual(2);
    await db.close();
  });
});

describe('SqlEventStore on PGlite: what it appended, handed to its subscribers', () => {
  /** A subscriber that also looks at the log every 5 ms, so that it asks again when nothing is new. */
  const collect = (store: SqlEventStore) => {
    const seen: RecordedEvent[] = [];
    const before = process.env.REGISTER_LOG_SAFETY_POLL_MS;
    process.env.REGISTER_LOG_SAFETY_POLL_MS = '5';
    const subscription = store.subscribe(0, (e) => void seen.push(e), { batchSize: 500, pollMs: 5 });
    if (before === undefined) delete process.env.REGISTER_LOG_SAFETY_POLL_MS;
    else process.env.REGISTER_LOG_SAFETY_POLL_MS = before;
    const reached = async (position: number) => {
      const deadline = Date.now() + 10_000;
      while ((seen.at(-1)?.position ?? 0) < position) {
        if (Date.now() > deadline) throw new Error(`the subscriber is at ${seen.at(-1)?.position}, not ${position}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    return { seen, reached, stop: () => subscription.stop() };
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

  it('gives them each event as a read of the log gives it, across a position rolled back, without reading it back', async () => {
    const db = await database();
    const store = await SqlEventStore.open(db.client, 'handed');
    const reader = await SqlEventStore.open(db.client, 'handed'); // no subscribers: reads the log itself
    const followers = collect(store);
    try {
      await store.append('a', [event(1)], 'no_stream');
      await followers.reached(1);
      await settle();
      db.reset();
      await store.append('a', [event(2), event(3), event(4)], 0);
      const used = event(5);
      await store.appendMany([{ streamId: 'b', expected: 'no_stream', events: [used] }, { streamId: 'c', expected: 'no_stream', events: [event(6), event(7)] }]);
      await expect(store.append('d', [{ ...event(8), eventId: used.eventId }], 'no_stream')).rejects.toThrow(); // takes a position, then rolls back
      const { position } = await store.append('a', [{ ...event(9), data: { i: 9, at: new Date('2026-12-05T01:02:03Z'), gone: undefined, name: 'Chi đoàn thôn Thông Thụ' } }], 3);
      await followers.reached(position);
      await settle(); // polls at the head, answered from what was appended
      expect(db.reads('handed')).toBe(0);
      const logged = await reader.readAll(0, 100);
      expect(logged.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 9]);
      expect(followers.seen).toEqual(logged);
      expect(followers.seen.at(-1)!.data).toEqual({ i: 9, at: '2026-12-05T01:02:03.000Z', name: 'Chi đoàn thôn Thông Thụ' });
    } finally {
      await followers.stop();
      await db.close();
    }
  });

  it('gives them every event exactly once, in order, when another store appends to the same log in between', async () => {
    const db = await database();
    const store = await SqlEventStore.open(db.client, 'shared');
    const other = await SqlEventStore.open(db.client, 'shared');
    const followers = collect(store);
    try {
      let last = 0;
      for (let i = 0; i < 60; i++) {
        const writer = i % 3 === 2 ? other : store;
        last = (await (i % 4 === 0 ? writer.appendMany([{ streamId: `m-${i}`, expected: 'no_stream', events: [event(i), event(i)] }]) : Promise.all([writer.append(`s-${i}`, [event(i)], 'no_stream')])))[0].position;
        if (i % 7 === 0) await followers.reached(last);
      }
      await followers.reached(last);
      await settle();
      expect(followers.seen).toEqual(await other.readAll(0, 1000));
    } finally {
      await followers.stop();
      await db.close();
    }
  });
});

describe('SqlEventStore on PGlite: a read of some types', () => {
  it('walks the log window after window: a rare type across 2,500 events comes in pages of the limit, a short page only at the end', async () => {
    const db = await database();
    const store = await SqlEventStore.open(db.client, 'typed');
    const rare = new Set([10, 1500, 1501, 2400]);
    const events = Array.from({ length: 2500 }, (_, i) => ({ ...event(i + 1), type: rare.has(i + 1) ? 'Rare' : 'Common' }));
    for (let i = 0; i < events.length; i += 500) await store.append(`s-${i}`, events.slice(i, i + 500), 'no_stream');
    const data = (page: RecordedEvent[]) => page.map((e) => (e.data as { i: number }).i);
    const first = await store.readAll(0, 3, { types: ['Rare'] });
    expect(data(first)).toEqual([10, 1500, 1501]);
    expect(data(await store.readAll(first[2].position, 3, { types: ['Rare'] }))).toEqual([2400]);
    const common = await store.readAll(0, 1000, { types: ['Common'] });
    expect(common).toHaveLength(1000);
    expect(common.every((e) => e.type === 'Common')).toBe(true);
    expect(data(common).slice(8, 11)).toEqual([9, 11, 12]);
    // The next pages go on where this one stopped, through windows sized from the share of matches.
    const next = await store.readAll(common[999].position, 1000, { types: ['Common'] });
    const last = await store.readAll(next[999].position, 1000, { types: ['Common'] });
    expect([...common, ...next, ...last].map((e) => (e.data as { i: number }).i)).toEqual(events.filter((e) => e.type === 'Common').map((e) => (e.data as { i: number }).i));
    expect(last).toHaveLength(496);
    expect(await store.readAll(0, 10, { types: ['Absent'] })).toEqual([]);
    await db.close();
  });
});

describe('SqlEventStore: a LISTEN that cannot start (the database away at that moment)', () => {
  it('leaves its subscribers to their poll, tries again at the next watch, and closes the database all the same', async () => {
    const db = await createPglite();
    const client = pgliteClient(db);
    let attempts = 0;
    let closed = false;
    const failing: SqlClient = {
      ...client,
      notifiesEveryAppend: false,
      close: async () => void (closed = true),
      listen: (channel, listener) => (++attempts === 1 ? Promise.reject(new Error('connection refused')) : client.listen!(channel, listener)),
    };
    try {
      const store = await SqlEventStore.open(failing, 'register');
      const seen: number[] = [];
      const first = store.subscribe(0, (e) => void seen.push(e.position), { pollMs: 5 });
      await store.append('s-1', [event(1)], 'no_stream');
      while (seen.length < 1) await new Promise((resolve) => setTimeout(resolve, 5)); // by its poll
      await new Promise((resolve) => setImmediate(resolve));
      store.watch(() => undefined); // the LISTEN failed once: this watch starts it again
      expect(attempts).toBe(2);
      await first.stop();
      await store.close();
      expect(closed).toBe(true);
    } finally {
      await db.close();
    }
  });
});
