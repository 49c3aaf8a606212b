import { ReliableKafkaServer } from './reliable-kafka-server';

/**
 * A consumer that kafkajs gives up on is started again. When that start fails too (the broker is
 * still away), the server must keep trying: a service left up with no consumer stops its
 * reactions for good. No broker here: the start and the close are the server's own seams.
 */
describe('ReliableKafkaServer: a stopped consumer is started again until it runs', () => {
  function serverWhoseStartsFail(failures: number) {
    const server = new ReliableKafkaServer({ brokers: ['127.0.0.1:1'], group: 'restart-spec', logLevel: 'nothing', restartBackoff: { initialMs: 1, maxMs: 1 } });
    const starts: number[] = [];
    jest.spyOn(server, 'listen').mockImplementation(async (callback: (error?: unknown) => void) => {
      starts.push(starts.length + 1);
      callback(starts.length <= failures ? new Error('broker away') : undefined);
    });
    jest.spyOn(ServerKafkaProto(), 'close').mockResolvedValue(undefined);
    const restart = (error: Error) => (server as unknown as { restartConsumer(e: Error): Promise<void> }).restartConsumer(error);
    return { server, starts, restart };
  }
  const ServerKafkaProto = () => Object.getPrototypeOf(ReliableKafkaServer.prototype) as { close(): Promise<void> };

  afterEach(() => jest.restoreAllMocks());

  it('tries again after a failed start, and stops trying once a start succeeds', async () => {
    const { starts, restart } = serverWhoseStartsFail(3);
    await restart(new Error('crash'));
    expect(starts).toEqual([1, 2, 3, 4]);
  });

  it('does not start again a server that was closed', async () => {
    const { server, starts, restart } = serverWhoseStartsFail(0);
    await server.close();
    await restart(new Error('crash'));
    expect(starts).toEqual([]);
  });

  it('a first start that fails does not fail the service: it is tried again in the background until it runs', async () => {
    const server = new ReliableKafkaServer({ brokers: ['127.0.0.1:1'], group: 'first-start-spec', logLevel: 'nothing', restartBackoff: { initialMs: 1, maxMs: 1 } });
    let starts = 0;
    const running = new Promise<void>((resolve) => {
      jest.spyOn(ServerKafkaProto() as unknown as { start(cb: () => void): Promise<void> }, 'start').mockImplementation(async (callback: () => void) => {
        starts += 1;
        if (starts <= 2) throw new Error('This server is not the leader for that topic-partition');
        callback();
        resolve();
      });
    });
    jest.spyOn(ServerKafkaProto(), 'close').mockResolvedValue(undefined);
    const outcome = await new Promise((resolve) => void server.listen((error?: unknown) => resolve(error ?? 'started')));
    expect(outcome).toBe('started');
    await running;
    expect(starts).toBe(3);
    expect(() => server.assertCaughtUpWithStart()).toThrow('has not joined its group yet');
  });

  it('is not ready while a handler runs past the group session: Kafka drops the member, and the message comes back to block it again', () => {
    const server = new ReliableKafkaServer({ brokers: ['127.0.0.1:1'], group: 'stuck-spec', logLevel: 'nothing', sessionTimeoutMs: 10_000 });
    const inside = server as unknown as { caughtUpWithStart: boolean; running: Set<{ since: number }> };
    inside.caughtUpWithStart = true;
    expect(() => server.assertConsuming(1_000)).not.toThrow();
    inside.running.add({ since: 1_000 });
    expect(() => server.assertConsuming(9_000)).not.toThrow();
    expect(() => server.assertConsuming(12_000)).toThrow(/a handler has run 11 s, beyond the group's session of 10 s/);
  });
});
