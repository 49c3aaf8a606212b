import { INestMicroservice } from '@nestjs/common';
import type { PGlite } from '@electric-sql/pglite';
import { createPglite, pgliteClient, SqlCheckpointStore, SqlEventStore } from '@register/event-store';
import { eventsTopic, InProcessBus, InProcessEventPublisher, InProcessServer, LogRelay, pgliteTransactions, ProcessedEvents, startConsumer } from '@register/messaging';
import { anEvent } from '../support/events';
import { effectsModule, openEffects } from './fixtures/effects';
import { until } from './processes';

jest.setTimeout(60_000);

/**
 * The embedded start: PGlite log, relay -> InProcessBus -> the same @EventPattern handler module
 * the Kafka consumers run (fixtures/effects.ts), with no broker at all.
 */
describe('in-process transport (embedded start)', () => {
  const schema = 'svc';
  const topic = eventsTopic('organisation');
  let db: PGlite;
  let store: SqlEventStore;
  let checkpoints: SqlCheckpointStore;
  let processed: ProcessedEvents;
  let bus: InProcessBus;
  const apps: INestMicroservice[] = [];

  beforeAll(async () => {
    db = await createPglite();
    const client = { ...pgliteClient(db), close: async () => undefined };
    store = await SqlEventStore.open(client, schema);
    checkpoints = await SqlCheckpointStore.open(client, schema);
    processed = await openEffects(pgliteTransactions(db), schema);
    bus = new InProcessBus();
    for (const group of ['projection', 'reaction']) {
      const server = new InProcessServer(bus, { group, delivery: { maxAttempts: 3, backoff: { initialMs: 1, maxMs: 5 } } });
      apps.push(await startConsumer(effectsModule({ topic, group, schema, processed, db: pgliteTransactions(db) }), server, false));
    }
    bus.open();
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await db.close();
  });

  const count = async (group: string) => Number((await db.query<{ n: number }>(`select count(*)::int as n from ${schema}.effects where consumer = $1`, [group])).rows[0].n);
  const twiceOrOutOfOrder = async (group: string) =>
    (
      await db.query<{ n: number }>(
        `select count(*)::int as n from (select revision, row_number() over (partition by stream_id order by seq) - 1 as expected
           from ${schema}.effects where consumer = $1) t where revision <> expected`,
        [group],
      )
    ).rows[0].n;

  it('runs the same handlers without a broker: every group gets every event once, in order, across a relay restart; a poison message is dead-lettered and replayed', async () => {
    const poison = anEvent('Appended', { poison: true });
    await db.query(`insert into ${schema}.poison (event_id) values ($1)`, [poison.eventId]);
    let relay = new LogRelay(store, new InProcessEventPublisher(bus), topic, checkpoints, 'relay', { batchSize: 50 });
    await relay.start();
    for (let i = 0; i < 300; i++) await store.append(`branch-${i % 20}`, [anEvent('Appended', { i })], 'any');
    await store.append('branch-poisoned', [poison], 'no_stream');
    await until('300 events applied by both groups', async () => (await count('projection')) === 300 && (await count('reaction')) === 300);
    await relay.stop();

    relay = new LogRelay(store, new InProcessEventPublisher(bus), topic, checkpoints, 'relay', { batchSize: 50 });
    await relay.start(); // from the stored checkpoint: nothing published twice, nothing skipped
    for (let i = 300; i < 400; i++) await store.append(`branch-${i % 20}`, [anEvent('Appended', { i })], 'any');
    await until('400 events applied by both groups', async () => (await count('projection')) === 400 && (await count('reaction')) === 400);
    await relay.stop();

    expect(await twiceOrOutOfOrder('projection')).toBe(0);
    expect(await twiceOrOutOfOrder('reaction')).toBe(0);
    expect(bus.deadLetters.map((l) => [l.group, l.message.headers['event-id'], l.attempts])).toEqual([
      ['projection', poison.eventId, 3],
      ['reaction', poison.eventId, 3],
    ]);
    expect(bus.deadLetters[0].error).toContain('is poison');

    await db.query(`delete from ${schema}.poison`);
    expect(await bus.replay('projection')).toBe(1);
    expect(await count('projection')).toBe(401);
    expect(await count('reaction')).toBe(400);
    expect(bus.deadLetters.map((l) => l.group)).toEqual(['reaction']);
  });
});
