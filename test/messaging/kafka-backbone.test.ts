import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { postgresClient, SqlEventStore } from '@register/event-store';
import { createKafka, deadLetterTopic, EventHeaders, ensureTopics, eventsTopic, KafkaDeadLetters, pgTransactions } from '@register/messaging';
import { anEvent } from '../support/events';
import { servers, uniqueName } from '../support/servers';
import { openEffects } from './fixtures/effects';
import { buildFixtures, Fixture, PrivateKafka, randomBetween, until } from './processes';
import { ConsumerConfig } from './fixtures/consumer';
import { RelayConfig } from './fixtures/relay';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * The Kafka backbone against a real broker (deploy/dev/kafka.sh, a broker of this suite's own, since
 * it restarts it while other suites use the shared one) and the real PostgreSQL (deploy/dev/postgres.sh). Relays and consumers are separate processes, so they can be SIGKILLed.
 * Every effect lands in `<schema>.effects` with its processed-id row in the same transaction;
 * the assertions count those rows: missing ones, doubles, and order per stream.
 */
jest.setTimeout(240_000);

describe('Kafka backbone (real broker, real PostgreSQL)', () => {
  const schema = uniqueName('bus');
  let pool: Pool;
  let store: SqlEventStore;
  let kafka: Kafka;
  let broker: PrivateKafka;
  const fixtures: Fixture[] = [];

  beforeAll(async () => {
    buildFixtures();
    broker = await PrivateKafka.start();
    pool = new Pool({ connectionString: servers.postgresUrl, max: 8 });
    store = await SqlEventStore.open(postgresClient({ connectionString: servers.postgresUrl, max: 8 }), schema);
    await openEffects(pgTransactions(pool), schema);
    kafka = createKafka({ brokers: broker.brokers, clientId: 'backbone-test', logLevel: 'nothing' });
  });

  // Each case's relays and consumers are its own (its topic, its groups): stopped when it ends, they do not poll, or reconnect through the broker restart, during the cases that follow.
  afterEach(async () => {
    await Promise.all(fixtures.splice(0).map((f) => f.stop()));
  });

  afterAll(async () => {
    await Promise.all(fixtures.map((f) => f.stop()));
    await store?.close();
    await pool?.query(`drop schema if exists ${schema} cascade`);
    await pool?.end();
    await broker?.stop();
  });

  const newTopic = async () => {
    const topic = eventsTopic(uniqueName('t').toLowerCase());
    await ensureTopics(kafka, [{ topic }]);
    return topic;
  };
  const relayFor = (topic: string) => track(new Fixture('test/messaging/fixtures/relay.js', { brokers: broker.brokers, topic, pgUrl: servers.postgresUrl, schema } satisfies RelayConfig));
  const consumerFor = (topic: string, group: string, extra: Partial<ConsumerConfig> = {}) =>
    track(new Fixture('test/messaging/fixtures/consumer.js', { brokers: broker.brokers, topic, group, pgUrl: servers.postgresUrl, schema, ...extra } satisfies ConsumerConfig));
  const track = (f: Fixture) => (fixtures.push(f), f);

  /** `writers` concurrent writers append `total` single-event appends to `streams` streams of `prefix`. */
  async function load(prefix: string, total: number, options: { writers?: number; streams?: number; paceMs?: number } = {}) {
    const writers = options.writers ?? 4;
    const streams = options.streams ?? 200;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = w; i < total; i += writers) {
          await store.append(`${prefix}-${Math.floor(Math.random() * streams)}`, [anEvent('Appended', { w, i })], 'any');
          if (options.paceMs) await sleep(options.paceMs);
        }
      }),
    );
  }

  const count = async (group: string) => Number((await pool.query(`select count(*) as n from ${schema}.effects where consumer = $1`, [group])).rows[0].n);

  /** Missing events, effects applied twice, and events applied out of revision order, for one group and one prefix. */
  async function audit(group: string, prefix: string) {
    const q = async (sql: string) => Number((await pool.query(sql, [group, `${prefix}-%`])).rows[0].n);
    return {
      applied: await q(`select count(*) as n from ${schema}.effects where consumer = $1 and stream_id like $2`),
      missing: await q(`select count(*) as n from ${schema}.events e where e.stream_id like $2
                          and not exists (select 1 from ${schema}.effects f where f.consumer = $1 and f.event_id = e.event_id::text)`),
      twice: await q(`select count(*) as n from (select event_id from ${schema}.effects where consumer = $1 and stream_id like $2 group by event_id having count(*) > 1) d`),
      outOfOrder: await q(`select count(*) as n from (select revision, row_number() over (partition by stream_id order by seq) - 1 as expected
                             from ${schema}.effects where consumer = $1 and stream_id like $2) t where revision <> expected`),
    };
  }

  it('10 000 events from 4 writers on 200 streams reach 2 groups, in revision order, with the relay and a consumer SIGKILLed and restarted mid-load: 0 missing, 0 applied twice', async () => {
    const topic = await newTopic();
    const prefix = uniqueName('org');
    const [killed, steady] = [uniqueName('projection'), uniqueName('reaction')];
    const relay = relayFor(topic);
    const victim = consumerFor(topic, killed);
    await Promise.all([relay.start(), victim.start(), consumerFor(topic, steady).start()]);

    let loading = true;
    const writing = load(prefix, 10_000).finally(() => (loading = false));
    // Kill at random moments while the writers run, at least twice each; restart at once.
    const chaos = (async () => {
      while (loading || relay.kills < 2 || victim.kills < 2) {
        await sleep(randomBetween(300, 1_500));
        await (Math.random() < 0.5 || victim.kills >= 3 ? relay : victim).restart();
      }
    })();
    await Promise.all([writing, chaos]);

    await until('both groups applied 10 000 events', async () => (await count(killed)) >= 10_000 && (await count(steady)) >= 10_000, 180_000);
    for (const group of [killed, steady]) {
      expect(await audit(group, prefix)).toEqual({ applied: 10_000, missing: 0, twice: 0, outOfOrder: 0 });
    }
    expect(relay.kills).toBeGreaterThanOrEqual(2);
    expect(victim.kills).toBeGreaterThanOrEqual(2);
    const absorbed = await pool.query(`select consumer, count(*)::int as n from ${schema}.redeliveries where consumer in ($1, $2) group by consumer`, [killed, steady]);
    process.stdout.write(`  relay SIGKILLed ${relay.kills}x, consumer ${victim.kills}x; duplicate deliveries absorbed: ${JSON.stringify(Object.fromEntries(absorbed.rows.map((r) => [r.consumer, r.n])))}\n`);
  }, 420_000); // 99 s at load 10, past the suite's 240 s at load 20 (two cores, shared)

  it('a poison message goes to <topic>.dlq.<group> after N attempts while the others flow; it is listed, and replayed once cured', async () => {
    const topic = await newTopic();
    const prefix = uniqueName('poison');
    const group = uniqueName('projection');
    const poison = anEvent('Appended', { poison: true });
    await pool.query(`insert into ${schema}.poison (event_id) values ($1)`, [poison.eventId]);
    await Promise.all([relayFor(topic).start(), consumerFor(topic, group, { maxAttempts: 3 }).start()]);

    await load(prefix, 100, { streams: 10 });
    const { revision: poisonRevision } = await store.append(`${prefix}-3`, [poison], 'any');
    await store.append(`${prefix}-3`, [anEvent('Appended', { afterPoison: true })], 'any'); // same stream, same partition
    await load(prefix, 99, { streams: 10 });

    const dlq = deadLetterTopic(topic, group);
    const letters = new KafkaDeadLetters(kafka);
    await until('all but the poison applied', async () => (await count(group)) >= 200);
    await until('the poison message is in the dead-letter topic', async () => (await letters.list(dlq).catch(() => [])).length === 1);
    const [letter] = await letters.list(dlq);
    expect(letter).toMatchObject({ originalTopic: topic, group, attempts: 3 });
    expect(letter.error).toContain('is poison');
    expect(letter.headers).toMatchObject({ [EventHeaders.eventId]: poison.eventId, [EventHeaders.eventType]: 'Appended', [EventHeaders.streamId]: `${prefix}-3`, [EventHeaders.schemaVersion]: '1' });
    expect(letter.headers[EventHeaders.correlationId]).toBe(poison.metadata.correlationId);
    expect(JSON.parse(letter.value!)).toMatchObject({ eventId: poison.eventId, data: { poison: true } });
    const afterPoison = await pool.query(`select count(*) as n from ${schema}.effects where consumer = $1 and stream_id = $2 and revision > $3`, [group, `${prefix}-3`, poisonRevision]);
    expect(Number(afterPoison.rows[0].n)).toBeGreaterThan(0); // its own stream went on too

    await pool.query(`delete from ${schema}.poison where event_id = $1`, [poison.eventId]); // the fix is deployed
    const cli = await promisify(execFile)('node', ['-r', './scripts/paths.js', 'dist/libs/messaging/src/cli/dead-letters.js', 'replay', dlq], {
      cwd: process.cwd(),
      env: { ...process.env, KAFKA_BROKERS: broker.brokers.join(',') },
    });
    expect(JSON.parse(cli.stdout)).toEqual({ replayed: 1 });
    await until('the replayed event is applied', async () => (await count(group)) >= 201);
    // A dead letter is applied after the events that followed it: the one order a DLQ gives up.
    expect(await audit(group, prefix)).toMatchObject({ applied: 201, missing: 0, twice: 0 });
    expect(await letters.list(dlq, { pendingOnly: true })).toEqual([]);
  });

  it('the broker is stopped and restarted mid-load: the relay and the consumers recover and nothing is lost', async () => {
    const topic = await newTopic();
    const prefix = uniqueName('outage');
    const groups = [uniqueName('projection'), uniqueName('reaction')];
    await Promise.all([relayFor(topic).start(), ...groups.map((g) => consumerFor(topic, g).start())]);

    const writing = load(prefix, 3_000, { paceMs: 8 });
    await until('the consumers are busy', async () => (await count(groups[0])) > 300);
    await broker.restart();
    await writing;

    await until('both groups applied 3 000 events', async () => (await count(groups[0])) >= 3_000 && (await count(groups[1])) >= 3_000, 120_000);
    for (const group of groups) expect(await audit(group, prefix)).toEqual({ applied: 3_000, missing: 0, twice: 0, outOfOrder: 0 });
  });
});
