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
});
