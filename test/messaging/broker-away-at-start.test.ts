import { createServer, Server, Socket, connect } from 'node:net';
import { Kafka } from 'kafkajs';
import { createKafka, eventsTopic, KafkaEventPublisher, ReliableKafkaServer } from '@register/messaging';
import { freePort } from '../support/free-port';
import { servers, uniqueName } from '../support/servers';
import { until } from './processes';

jest.setTimeout(180_000);

/** A loopback port that forwards to the dev broker once opened: the broker's bootstrap address, away until then. */
class Doorway {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number) {}

  async open(): Promise<void> {
    const [host, port] = servers.kafkaBrokers[0].split(':');
    this.server = createServer((client) => {
      const broker = connect(Number(port), host);
      for (const s of [client, broker]) {
        this.sockets.add(s);
        s.on('error', () => s.destroy()).on('close', () => this.sockets.delete(s));
      }
      client.pipe(broker).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server?.close(resolve) ?? resolve(undefined));
  }
}

/**
 * A service starts with its broker away and does its part once the broker is there: its consumer's
 * first start does not fail the service (it is tried again in the background, not ready until it
 * joins), and its publisher asks nothing of the broker before its first publish, creating its topic
 * then. The broker's bootstrap address is a port that forwards to the dev broker once opened.
 */
describe('the broker away when a service starts (real broker behind a door)', () => {
  const topic = eventsTopic(uniqueName('away').toLowerCase());
  /** A topic nobody reads: only the publisher's first publish can have created it. */
  const unread = eventsTopic(uniqueName('away-unread').toLowerCase());
  let door: Doorway;
  let server: ReliableKafkaServer | undefined;
  let publisher: KafkaEventPublisher | undefined;
  let kafka: Kafka;

  beforeAll(async () => {
    door = new Doorway(await freePort());
    kafka = createKafka({ brokers: servers.kafkaBrokers, clientId: 'away-test', logLevel: 'nothing' });
  });

  afterAll(async () => {
    await server?.close();
    await publisher?.close().catch(() => undefined);
    await door.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, unread] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('the consumer starts not ready and catches up, the publisher creates its topic at its first publish', async () => {
    const brokers = [`127.0.0.1:${door.port}`];
    const handled: string[] = [];
    server = new ReliableKafkaServer({ brokers, group: uniqueName('away-group'), logLevel: 'nothing', restartBackoff: { initialMs: 200, maxMs: 1_000 } });
    server.addHandler(topic, async (data: { streamId: string }) => void handled.push(data.streamId), true);
    const started = await new Promise((resolve) => void server!.listen((error?: unknown) => resolve(error ?? 'started')));
    expect(started).toBe('started');
    expect(() => server!.assertCaughtUpWithStart()).toThrow(/has not joined its group yet/);

    await door.open();
    publisher = new KafkaEventPublisher(createKafka({ brokers, clientId: 'away-publisher', logLevel: 'nothing' }));
    const event = { eventId: 'e-1', streamId: 'branch-1', type: 'BranchEstablished', schemaVersion: 1, revision: 0, position: 1, data: {}, metadata: { correlationId: 'c-1' }, recordedAt: new Date().toISOString() };
    await publisher.publish(topic, [event as never]);
    await publisher.publish(unread, [event as never]);
    await until('the consumer to handle the published event', () => handled.length === 1, 150_000);
    expect(handled).toEqual(['branch-1']);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(unread).finally(() => admin.disconnect());
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(1);
  });
});
