import { setTimeout as sleep } from 'node:timers/promises';
import { appendEach, DuplicateCommandError, EventStore, readStreamsOf, RecordedEvent, WrongExpectedRevisionError } from '@register/event-sourcing';
import { anEvent } from '../support/events';
import { uniqueName } from '../support/servers';

/**
 * The behaviour every EventStore adapter must show. Each adapter's test file calls this with a
 * factory for a fresh store. Global-log assertions look only at this run's streams, so the suite
 * also holds on a shared server (EventStoreDB).
 */
export function eventStoreContract(name: string, open: () => Promise<EventStore>, openOnLegacy?: (legacySql: (schema: string) => string) => Promise<EventStore>) {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let prefix: string;
    const stream = (n: string | number) => `${prefix}-${n}`;
    const ours = (events: RecordedEvent[]) => events.filter((e) => e.streamId.startsWith(prefix));

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });
    beforeEach(() => {
      prefix = uniqueName('s');
    });

    it('appends to a new stream and reads it back in revision order, with metadata and a recording time', async () => {
      const before = Date.now();
      const result = await store.append(stream(1), [anEvent('BranchEstablished', { name: 'Chi đoàn thôn Thông Thụ' }), anEvent('BranchRenamed', { name: 'Bản Na Ca' })], 'no_stream');
      expect(result.revision).toBe(1);
      const events = await store.readStream(stream(1));
      expect(events.map((e) => [e.revision, e.type])).toEqual([
        [0, 'BranchEstablished'],
        [1, 'BranchRenamed'],
      ]);
      expect(events[0].data).toEqual({ name: 'Chi đoàn thôn Thông Thụ' });
      expect(events[0].metadata).toMatchObject({ actor: 'test:tester', reason: 'contract test', effectiveDate: '2026-11-25' });
      expect(events[1].position).toBeGreaterThan(events[0].position);
      expect(events[1].position).toBe(result.position);
      expect(new Date(events[0].recordedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    });

    it('checks the expected revision: exact, no stream, any', async () => {
      await store.append(stream(2), [anEvent()], 'no_stream');
      await expect(store.append(stream(2), [anEvent()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append(stream(2), [anEvent()], 5)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append(stream(3), [anEvent()], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await store.append(stream(2), [anEvent()], 0);
      await store.append(stream(2), [anEvent()], 'any');
      expect((await store.readStream(stream(2))).length).toBe(3);
      expect(await store.readStream(stream(3))).toEqual([]);
    });

    it('lets exactly one of two appends with the same expected revision succeed', async () => {
      await store.append(stream(4), [anEvent()], 'no_stream');
      const results = await Promise.allSettled([store.append(stream(4), [anEvent('A')], 0), store.append(stream(4), [anEvent('B')], 0)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(rejected[0].reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store.readStream(stream(4))).length).toBe(2);
    });

    it('lets exactly one of many creators of the same stream succeed', async () => {
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => store.append(stream(5), [anEvent()], 'no_stream')));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await store.readStream(stream(5))).length).toBe(1);
    });

    it('appends to several streams at once (appendEach: one transaction where the store has appendMany), each at its expected revision, with its command', async () => {
      await store.append(stream('m1'), [anEvent('MemberAdmitted')], 'no_stream');
      const commandId = uniqueName('batch');
      const results = await appendEach(store, [
        { streamId: stream('m1'), events: [anEvent('MemberRated', { grade: 'good' })], expected: 0 },
        { streamId: stream('m2'), events: [anEvent('MemberAdmitted'), anEvent('MemberRated', { grade: 'excellent' })], expected: 'no_stream', options: { command: { commandId, fingerprint: 'f' } } },
        { streamId: stream('m3'), events: [anEvent('MemberAdmitted', { name: 'Lò Thị Ằng' })], expected: 'no_stream' },
      ]);
      expect(results.map((r) => r.revision)).toEqual([1, 1, 0]);
      const events = ours(await store.readAll(0, 100_000));
      expect(events.map((e) => [e.streamId, e.revision, e.type])).toEqual([
        [stream('m1'), 0, 'MemberAdmitted'],
        [stream('m1'), 1, 'MemberRated'],
        [stream('m2'), 0, 'MemberAdmitted'],
        [stream('m2'), 1, 'MemberRated'],
        [stream('m3'), 0, 'MemberAdmitted'],
      ]);
      expect(results.map((r) => r.position)).toEqual([events[1].position, events[3].position, events[4].position]);
      expect(events[4].data).toEqual({ name: 'Lò Thị Ằng' });
      expect(await store.findCommand({ commandId })).toMatchObject({ streamId: stream('m2'), revision: 1, position: events[3].position, fingerprint: 'f' });
    });

    it('appends a batch all or none: a stream that moved, or a command already recorded, appends nothing of it (appendMany)', async () => {
      if (!store.appendMany) return; // appendEach appends item by item there: nothing to check
      await store.append(stream('n1'), [anEvent()], 'no_stream');
      const commandId = uniqueName('batch');
      await store.append(stream('n2'), [anEvent()], 'no_stream', { command: { commandId } });
      const before = ours(await store.readAll(0, 100_000)).length;
      await expect(store.appendMany([
        { streamId: stream('n3'), events: [anEvent()], expected: 'no_stream' },
        { streamId: stream('n1'), events: [anEvent()], expected: 'no_stream' },
      ])).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.appendMany([
        { streamId: stream('n4'), events: [anEvent()], expected: 'no_stream' },
        { streamId: stream('n1'), events: [anEvent()], expected: 5 },
      ])).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.appendMany([
        { streamId: stream('n5'), events: [anEvent()], expected: 'no_stream' },
        { streamId: stream('n2'), events: [anEvent()], expected: 0, options: { command: { commandId } } },
      ])).rejects.toBeInstanceOf(DuplicateCommandError);
      expect(ours(await store.readAll(0, 100_000)).length).toBe(before);
      for (const n of ['n3', 'n4', 'n5']) expect(await store.readStream(stream(n))).toEqual([]);
      // and the streams' revisions were left as they were: the next appends at them succeed
      await store.append(stream('n3'), [anEvent()], 'no_stream');
      await store.append(stream('n1'), [anEvent()], 0);
    });

    it('lets exactly one of two batches that create the same stream succeed (appendMany)', async () => {
      if (!store.appendMany) return;
      const batch = (k: string) => [{ streamId: stream(`p-${k}`), events: [anEvent()], expected: 'no_stream' as const }, { streamId: stream('p-shared'), events: [anEvent(k)], expected: 'no_stream' as const }];
      const results = await Promise.allSettled([store.appendMany(batch('A')), store.appendMany(batch('B'))]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await store.readStream(stream('p-shared'))).length).toBe(1);
      expect((await store.readStream(stream('p-A'))).length + (await store.readStream(stream('p-B'))).length).toBe(1);
    });

    it('reads a stream up to a revision, and as of an instant', async () => {
      await store.append(stream(6), [anEvent('First')], 'no_stream');
      await sleep(30);
      const between = new Date();
      await sleep(30);
      await store.append(stream(6), [anEvent('Second'), anEvent('Third')], 0);
      expect((await store.readStream(stream(6), { recordedUpTo: between })).map((e) => e.type)).toEqual(['First']);
      expect((await store.readStream(stream(6), { toRevision: 1 })).map((e) => e.type)).toEqual(['First', 'Second']);
      expect((await store.readStream(stream(6), { fromRevision: 1 })).map((e) => e.type)).toEqual(['Second', 'Third']);
      expect((await store.readStream(stream(6), { recordedUpTo: new Date(Date.now() - 3_600_000) })).length).toBe(0);
    });

    it('reads many streams at once, in position order, and nothing of the others (readStreamsOf: readStreams where the store has it)', async () => {
      await store.append(stream('a'), [anEvent('A1')], 'no_stream');
      await store.append(stream('b'), [anEvent('B1')], 'no_stream');
      await store.append(stream('c'), [anEvent('C1')], 'no_stream');
      await store.append(stream('a'), [anEvent('A2')], 0);
      const events = await readStreamsOf(store, [stream('c'), stream('a'), stream('a'), stream('none')]);
      expect(events.map((e) => e.type)).toEqual(['A1', 'C1', 'A2']);
      expect(events.map((e) => e.position)).toEqual([...events.map((e) => e.position)].sort((x, y) => x - y));
      expect(await readStreamsOf(store, [])).toEqual([]);
    });

    it('reads the global log forwards in pages, in position order', async () => {
      for (let i = 0; i < 5; i++) await store.append(stream(`g${i}`), [anEvent('X', { i }), anEvent('Y', { i })], 'no_stream');
      const head = await store.headPosition();
      const mine = ours(await store.readAll(0, 100_000));
      expect(mine).toHaveLength(10);
      expect(mine.map((e) => e.data)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4].map((i) => ({ i })));
      expect(head).toBeGreaterThanOrEqual(mine[9].position);
      const page = await store.readAll(mine[3].position, 2);
      expect(page).toHaveLength(2);
      expect(page[0].position).toBeGreaterThan(mine[3].position);
      expect(page[1].position).toBeGreaterThan(page[0].position);
    });

    it('reads the global log of some types: every event of those types, in order, whether or not the store leaves the others out', async () => {
      for (let i = 0; i < 6; i++) await store.append(stream(`t${i}`), [anEvent('X', { i }), anEvent('Y', { i }), anEvent('Z', { i })], 'no_stream');
      const all = ours(await store.readAll(0, 100_000));
      const typed = ours(await store.readAll(0, 100_000, { types: ['Y', 'Z'] }));
      const wanted = all.filter((e) => e.type !== 'X');
      // A store may ignore the hint: what it must give is every event of the types asked, as readAll gives it.
      expect(typed.filter((e) => e.type !== 'X')).toEqual(wanted);
      if (typed.length < all.length) expect(typed).toEqual(wanted);
      // Pages of the types asked go on after the last event given, to the last such event.
      const pages: RecordedEvent[] = [];
      for (let after = all[0].position - 1, page = await store.readAll(after, 4, { types: ['Y'] }); page.length > 0; after = page[page.length - 1].position, page = await store.readAll(after, 4, { types: ['Y'] })) pages.push(...ours(page));
      expect(pages.filter((e) => e.type === 'Y')).toEqual(all.filter((e) => e.type === 'Y'));
      expect(ours(await store.readAll(0, 100_000, { types: [] })).length === 0 || typed.length === all.length).toBe(true);
    });

    it('records a command once: a second append under the same command id is refused and changes nothing', async () => {
      const commandId = uniqueName('cmd');
      const appended = await store.append(stream(7), [anEvent()], 'no_stream', { command: { commandId, fingerprint: 'abc' } });
      expect(await store.findCommand({ commandId })).toMatchObject({ commandId, streamId: stream(7), revision: 0, position: appended.position, fingerprint: 'abc' });
      await expect(store.append(stream(7), [anEvent()], 0, { command: { commandId } })).rejects.toBeInstanceOf(DuplicateCommandError);
      expect(await store.findCommand({ commandId: uniqueName('unknown') })).toBeUndefined();
      if (name !== 'EventStoreDB') expect((await store.readStream(stream(7))).length).toBe(1); // see the adapter's note on atomicity
    });

    it('keeps each caller\'s command ids apart: the same key from two callers, or a key that spells another caller\'s, names two commands (issue 14, hole 11)', async () => {
      const alice = uniqueName('alice');
      await store.append(stream(10), [anEvent()], 'no_stream', { command: { commandId: 'k1', caller: `${alice}:x`, fingerprint: 'first' } });
      expect(await store.findCommand({ commandId: 'x:k1', caller: alice })).toBeUndefined();
      expect(await store.findCommand({ commandId: `${alice}:x:k1` })).toBeUndefined();
      const theirs = await store.append(stream(11), [anEvent()], 'no_stream', { command: { commandId: 'x:k1', caller: alice, fingerprint: 'second' } });
      expect(await store.findCommand({ commandId: 'x:k1', caller: alice })).toMatchObject({ commandId: 'x:k1', caller: alice, streamId: stream(11), position: theirs.position, fingerprint: 'second' });
      expect(await store.findCommand({ commandId: 'k1', caller: `${alice}:x` })).toMatchObject({ streamId: stream(10), fingerprint: 'first' });
      const system = `${alice}:x:k1`;
      await store.append(stream(12), [anEvent()], 'no_stream', { command: { commandId: system } });
      expect(await store.findCommand({ commandId: system })).toMatchObject({ streamId: stream(12) });
      await expect(store.append(stream(12), [anEvent()], 0, { command: { commandId: 'x:k1', caller: alice } })).rejects.toBeInstanceOf(DuplicateCommandError);
    });

    if (openOnLegacy) {
      it('upgrades a log whose commands were keyed "<caller>:<key>" in place: the register\'s own ids still match, old fingerprints are dropped', async () => {
        const legacy = await openOnLegacy(
          (schema) => `create schema if not exists ${schema};
            create table ${schema}.commands (command_id text primary key, stream_id text not null, revision bigint not null, position bigint not null, fingerprint text);
            insert into ${schema}.commands values ('personnel.org-reactions:e1:m2', 'member-m2', 3, 40, null), ('alice:k1', 'member-m9', 0, 41, 'b1946ac92492d2347c6235b4d2611184');`,
        );
        try {
          expect(await legacy.findCommand({ commandId: 'personnel.org-reactions:e1:m2' })).toMatchObject({ streamId: 'member-m2', revision: 3, position: 40 });
          expect(await legacy.findCommand({ commandId: 'k1', caller: 'alice' })).toBeUndefined();
          expect((await legacy.findCommand({ commandId: 'alice:k1' }))?.fingerprint).toBeUndefined();
          await legacy.append(stream(13), [anEvent()], 'no_stream', { command: { commandId: 'k1', caller: 'alice', fingerprint: 'hmac-sha256:ab' } });
          expect(await legacy.findCommand({ commandId: 'k1', caller: 'alice' })).toMatchObject({ streamId: stream(13), fingerprint: 'hmac-sha256:ab' });
        } finally {
          await legacy.close();
        }
      });
    }

    it('subscribes from a checkpoint: catches up, then follows live appends', async () => {
      await store.append(stream(8), [anEvent('Old1'), anEvent('Old2')], 'no_stream');
      const [, second] = await store.readStream(stream(8));
      const seen: string[] = [];
      const subscription = store.subscribe(second.position - 1, (e) => {
        if (e.streamId.startsWith(prefix)) seen.push(e.type);
      }, { pollMs: 50 });
      await store.append(stream(8), [anEvent('Live')], 1);
      await waitFor(() => seen.length >= 2);
      await subscription.stop();
      expect(seen).toEqual(['Old2', 'Live']);
    });

    it('8 concurrent writers x 500 appends: a live subscriber sees every event exactly once, in position order', async () => {
      const writers = 8;
      const perWriter = 500;
      const seen: RecordedEvent[] = [];
      const subscription = store.subscribe(await store.headPosition(), (e) => {
        if (e.streamId.startsWith(prefix)) seen.push(e);
      }, { pollMs: 20 });
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < perWriter; i++) await store.append(stream(`w${w}-${i % 25}`), [anEvent('Appended', { w, i })], 'any');
        }),
      );
      await waitFor(() => seen.length >= writers * perWriter, 60_000);
      await subscription.stop();
      expect(seen).toHaveLength(writers * perWriter);
      expect(new Set(seen.map((e) => e.eventId)).size).toBe(writers * perWriter);
      for (let i = 1; i < seen.length; i++) expect(seen[i].position).toBeGreaterThan(seen[i - 1].position);
      for (let w = 0; w < writers; w++) {
        const order = seen.filter((e) => (e.data as { w: number }).w === w).map((e) => (e.data as { i: number }).i);
        expect(order).toEqual(Array.from({ length: perWriter }, (_, i) => i));
      }
    });
  });
}

export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}
