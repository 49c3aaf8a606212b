import { Kafka } from 'kafkajs';
import { createKafka, ensureTopics, eventsTopic, IDEMPOTENT_PRODUCER, ReliableKafkaServer } from '@register/messaging';
import { servers, uniqueName } from '../support/servers';
import { until } from './processes';

/**
 * A service's readiness waits for its consumer groups (service-kit's connectConsumers): a group is
 * caught up once it has handled, in the partitions it was given, what its topics held at its start
 * beyond where it stood (the group's commit, or for a replica kept in memory the whole topic). One
 * message is held in its handler to catch the group before it is through.
 */
jest.setTimeout(180_000);

describe('a consumer group caught up with what its topics held at start (real broker)', () => {
  const topic = eventsTopic(uniqueName('caught-up').toLowerCase());
  let kafka: Kafka;
  let server: ReliableKafkaServer | undefined;
  let published = 0;

  const publish = async (from: number, to: number) => {
    // Idempotent: a send retried under load (a timed-out request) must not write a message twice.
    const producer = kafka.producer(IDEMPOTENT_PRODUCER);
    await producer.connect();
    // Keys spread the messages over the topic's partitions.
    await producer.send({ topic, messages: Array.from({ length: to - from + 1 }, (_, i) => ({ key: `s-${from + i}`, value: JSON.stringify({ n: from + i }) })) });
    await producer.disconnect();
    published += to - from + 1;
  };

  /** A server whose handler holds message `holdAt` until released. */
  async function start(group: string, holdAt: number, commitOffsets = true) {
    const handled: number[] = [];
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    const started = new ReliableKafkaServer({ brokers: servers.kafkaBrokers, group, commitOffsets, logLevel: 'nothing' });
    started.addHandler(
      topic,
      async (data: { n: number }) => {
        if (data.n === holdAt) {
          held = true;
          await released;
        }
        handled.push(data.n);
      },
      true,
    );
    await new Promise<void>((resolve, reject) => started.listen((error?: unknown) => (error ? reject(error) : resolve())));
    server = started;
    return { server: started, handled, release, isHeld: () => held };
  }
  const caughtUp = (s: ReliableKafkaServer) => {
    try {
      s.assertCaughtUpWithStart();
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    kafka = createKafka({ brokers: servers.kafkaBrokers, clientId: 'caught-up-test', logLevel: 'nothing' });
    await ensureTopics(kafka, [{ topic }]);
  });

  afterAll(async () => {
    await server?.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('a committing group: the messages published before its start, then after a restart those published meanwhile', async () => {
    const group = uniqueName('caught-up-group');
    await publish(1, 8);
    const first = await start(group, 8);
    await until('message 8 held', first.isHeld);
    expect(() => first.server.assertCaughtUpWithStart()).toThrow(/reading what its topics held at start/);
    first.release();
    await until('caught up', () => caughtUp(first.server));
    expect([...first.handled].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await first.server.close();

    await publish(9, 12);
    const second = await start(group, 12);
    await until('message 12 held', second.isHeld);
    expect(caughtUp(second.server)).toBe(false);
    second.release();
    await until('caught up again', () => caughtUp(second.server));
    expect([...second.handled].sort((a, b) => a - b)).toEqual([9, 10, 11, 12]); // from the group's commit, not the beginning
    await second.server.close();
  });

  it('a replica kept in memory (no commits): the whole topic', async () => {
    const third = await start(uniqueName('caught-up-memory'), 1, false);
    await until('message 1 held', third.isHeld);
    expect(caughtUp(third.server)).toBe(false);
    third.release();
    await until('caught up', () => caughtUp(third.server));
    expect(third.handled).toHaveLength(published); // 12, unless the test before stopped early
  });
});
