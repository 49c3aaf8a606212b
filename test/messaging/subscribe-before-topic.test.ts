import { Kafka } from 'kafkajs';
import { createKafka, eventsTopic, ReliableKafkaServer } from '@register/messaging';
import { servers, uniqueName } from '../support/servers';
import { until } from './processes';

/**
 * A group may start before the service that writes its topic has created it (services start in
 * any order; under load the writer's relay comes up seconds later). Subscribing to a topic the
 * broker does not know failed with "This server does not host this topic-partition", and the
 * service never started: the group must create the topic it reads and start.
 */
jest.setTimeout(120_000);

describe('a consumer group started before its topic exists (real broker)', () => {
  const topic = eventsTopic(uniqueName('early').toLowerCase());
  let kafka: Kafka;
  let server: ReliableKafkaServer;

  beforeAll(() => {
    kafka = createKafka({ brokers: servers.kafkaBrokers, clientId: 'early-test', logLevel: 'nothing' });
  });

  afterAll(async () => {
    await server?.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('starts, and receives what is later published to the topic', async () => {
    const received: string[] = [];
    server = new ReliableKafkaServer({ brokers: servers.kafkaBrokers, group: uniqueName('early-group'), logLevel: 'nothing' });
    server.addHandler(topic, async (data: unknown) => void received.push(JSON.stringify(data)), true);
    await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error) : resolve())));

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 's-1', value: JSON.stringify({ n: 1 }) }] });
    await producer.disconnect();
    await until('the message is received', () => received.length === 1, 60_000);
    expect(received).toEqual([JSON.stringify({ n: 1 })]);
  });
});
