import { CommandContext, CommandHandler, ConflictError, deciderOf, EventStore, RuleViolation, runBatch, StreamAppend, WrongExpectedRevisionError } from '@register/event-sourcing';
import { openPgliteEventStore, openPostgresEventStore } from '@register/event-store';
import { batchAnswer } from '@register/service-kit';
import { servers, uniqueName } from '../support/servers';

/** A rating as small as a decider gets: self-assessed, then decided once; a weak grade needs a reason the command lacks. */
type Graded = { type: 'Graded'; data: { grade: string; stage: string } };
type Grade = { grade: string; stage: 'self' | 'decision' };
const rating = deciderOf<Grade, Graded, { self: string | null; decided: string | null }>(
  {
    initialState: () => ({ self: null, decided: null }),
    evolve: (s, e) => (e.data.stage === 'decision' ? { ...s, decided: e.data.grade } : { ...s, self: e.data.grade }),
  },
  (c, s) => {
    if (c.grade === 'weak') throw new RuleViolation('weak-needs-minutes', 'a weak grade needs the meeting minutes');
    if (s.decided !== null) throw new ConflictError('already-decided', 'decided already');
    if (c.stage === 'decision' && s.self === null) throw new RuleViolation('self-assessment-first', 'not self-assessed');
    return [{ type: 'Graded', data: { grade: c.grade, stage: c.stage } }];
  },
);

const context = (commandId?: string, fingerprint = 'request-1'): CommandContext => ({ actor: 'test:officer', reason: 'tổng kết năm 2025', effectiveDate: '2025-12-20', commandId, caller: 'caller-a', fingerprint });

function batchSuite(name: string, open: () => Promise<EventStore>) {
  describe(`commands decided together (runBatch): ${name}`, () => {
    let store: EventStore;
    let handler: CommandHandler;
    let p: string;
    beforeAll(async () => {
      store = await open();
      handler = new CommandHandler(store);
    });
    afterAll(() => store?.close());
    beforeEach(() => (p = uniqueName('r')));

    it("answers an item that records nothing with the log's head, as a single command does, so that the batch's position reads it back", async () => {
      // Switched on once; switching it on again records nothing.
      const flag = deciderOf<{ on: true }, Graded, { on: boolean }>({ initialState: () => ({ on: false }), evolve: () => ({ on: true }) }, (_c, s) => (s.on ? [] : [{ type: 'Graded', data: { grade: 'on', stage: 'self' } }]));
      const first = await handler.handle(flag, `${p}-1`, { on: true }, context());
      await handler.handle(flag, `${p}-other`, { on: true }, context());
      const outcomes = await runBatch(handler, store, flag, [{ streamId: `${p}-1`, command: { on: true } }], context());
      expect(outcomes[0].result).toMatchObject({ events: [], revision: first.revision });
      expect(outcomes[0].result!.position).toBe(await store.headPosition());
      expect(outcomes[0].result!.position).toBeGreaterThan(first.position);
      expect(batchAnswer(outcomes, () => `${p}-1`)).toMatchObject({ recorded: 0, unchanged: 1, refused: 0 });
    });

    it('decides each item on its own stream, appends the decisions that stand together, and refuses an item alone', async () => {
      await handler.handle(rating, `${p}-1`, { grade: 'good', stage: 'self' }, context());
      const outcomes = await runBatch(handler, store, rating, [
        { streamId: `${p}-1`, command: { grade: 'excellent', stage: 'decision' } },
        { streamId: `${p}-2`, command: { grade: 'good', stage: 'decision' } },
        { streamId: `${p}-3`, command: { grade: 'weak', stage: 'self' } },
        { streamId: `${p}-4`, command: { grade: 'good', stage: 'self' } },
      ], context(uniqueName('batch')));
      expect(outcomes.map((o) => [o.index, o.refusal?.message ? (o.refusal as RuleViolation).rule : o.result!.revision])).toEqual([[0, 1], [1, 'self-assessment-first'], [2, 'weak-needs-minutes'], [3, 0]]);
      expect(outcomes[3].result!.position).toBe(outcomes[0].result!.position + 1);
      expect((await store.readStream(`${p}-1`)).map((e) => e.data)).toEqual([{ grade: 'good', stage: 'self' }, { grade: 'excellent', stage: 'decision' }]);
      expect(await store.readStream(`${p}-2`)).toEqual([]);
      expect((await store.readStream(`${p}-4`))[0].metadata).toMatchObject({ actor: 'test:officer', reason: 'tổng kết năm 2025', effectiveDate: '2025-12-20' });
    });

    it('answers a retried batch from what it appended (nothing appended twice), and refuses the same key for another request', async () => {
      const id = uniqueName('batch');
      const items = [{ streamId: `${p}-a`, command: { grade: 'good', stage: 'self' } as Grade }, { streamId: `${p}-b`, command: { grade: 'weak', stage: 'self' } as Grade }];
      const first = await runBatch(handler, store, rating, items, context(id));
      const again = await runBatch(handler, store, rating, items, context(id));
      expect(again[0].result).toMatchObject({ duplicate: true, position: first[0].result!.position, revision: 0 });
      expect((again[1].refusal as RuleViolation).rule).toBe('weak-needs-minutes');
      expect(await store.readStream(`${p}-a`)).toHaveLength(1);
      await expect(runBatch(handler, store, rating, items, context(id, 'another-request'))).rejects.toMatchObject({ rule: 'idempotency-key-reused' });
    });

    it('runs a batch that lost a race on one stream item by item: each answered as a single command, nothing lost or doubled', async () => {
      // Both stores of this suite append many streams in one statement: the race is of that append.
      expect(store.appendMany).toBeDefined();
      await handler.handle(rating, `${p}-x`, { grade: 'good', stage: 'self' }, context());
      // Another writer decides p-x between the batch's read and its append.
      const racing: EventStore = Object.assign(Object.create(store) as EventStore, {
        appendMany: async (appends: readonly StreamAppend[]) => {
          await handler.handle(rating, `${p}-x`, { grade: 'good', stage: 'decision' }, context());
          return store.appendMany!(appends);
        },
      });
      const outcomes = await runBatch(handler, racing, rating, [
        { streamId: `${p}-x`, command: { grade: 'excellent', stage: 'decision' } },
        { streamId: `${p}-y`, command: { grade: 'good', stage: 'self' } },
      ], context(uniqueName('batch')));
      expect((outcomes[0].refusal as ConflictError).rule).toBe('already-decided');
      expect(outcomes[1].result!.revision).toBe(0);
      expect((await store.readStream(`${p}-x`)).map((e) => (e.data as { grade: string }).grade)).toEqual(['good', 'good']);
      expect(await store.readStream(`${p}-y`)).toHaveLength(1);
    });

    it('appends item by item on a store without appendMany, with the same answers', async () => {
      const plain: EventStore = Object.assign(Object.create(store) as EventStore, { appendMany: undefined, findCommands: undefined });
      const id = uniqueName('batch');
      const items = [{ streamId: `${p}-m`, command: { grade: 'good', stage: 'self' } as Grade }, { streamId: `${p}-n`, command: { grade: 'good', stage: 'self' } as Grade }];
      const outcomes = await runBatch(new CommandHandler(plain), plain, rating, items, context(id));
      expect(outcomes.map((o) => o.result?.revision)).toEqual([0, 0]);
      expect((await runBatch(new CommandHandler(plain), plain, rating, items, context(id))).map((o) => o.result?.duplicate)).toEqual([true, true]);
    });

    it('ignores an If-Match revision: a batch names many streams, each decided on the revision it reads', async () => {
      await handler.handle(rating, `${p}-r`, { grade: 'good', stage: 'self' }, context());
      // The batch is run again item by item (its one transaction refused), where If-Match would be checked per stream.
      const refusing: EventStore = Object.assign(Object.create(store) as EventStore, { appendMany: async () => Promise.reject(new WrongExpectedRevisionError('2 streams', 'batch', 'moved')) });
      const items = [{ streamId: `${p}-r`, command: { grade: 'good', stage: 'decision' } as Grade }, { streamId: `${p}-s`, command: { grade: 'good', stage: 'self' } as Grade }];
      const outcomes = await runBatch(handler, refusing, rating, items, { ...context(uniqueName('batch')), expectedRevision: 7 });
      expect(outcomes.map((o) => o.result?.revision ?? o.refusal?.message)).toEqual([1, 0]);
    });

    it('looks for earlier records of its items only when the batch has a key (Idempotency-Key): a batch without one is new', async () => {
      const lookups: number[] = [];
      const counting: EventStore = Object.assign(Object.create(store) as EventStore, { findCommands: (ids: readonly string[], caller?: string) => (lookups.push(ids.length), store.findCommands!(ids, caller)) });
      const items = [{ streamId: `${p}-k`, command: { grade: 'good', stage: 'self' } as Grade }, { streamId: `${p}-l`, command: { grade: 'good', stage: 'self' } as Grade }];
      expect((await runBatch(handler, counting, rating, items, context())).map((o) => o.result?.revision)).toEqual([0, 0]);
      expect(lookups).toEqual([]);
      await runBatch(handler, counting, rating, [{ streamId: `${p}-q`, command: { grade: 'good', stage: 'self' } }], context(uniqueName('batch')));
      expect(lookups).toEqual([1]);
    });

    it('refuses a batch that names a stream twice, before reading anything', async () => {
      await expect(runBatch(handler, store, rating, [{ streamId: `${p}-z`, command: { grade: 'good', stage: 'self' } }, { streamId: `${p}-z`, command: { grade: 'good', stage: 'decision' } }], context())).rejects.toThrow(/twice/);
    });
  });
}

batchSuite('PGlite', () => openPgliteEventStore());
batchSuite('PostgreSQL', () => openPostgresEventStore(servers.postgresUrl, uniqueName('batch_commands').replace(/[^a-z0-9_]/g, '_')));
