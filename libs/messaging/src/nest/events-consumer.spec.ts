import { Injectable } from '@nestjs/common';
import { KafkaContext } from '@nestjs/microservices';
import { RecordedEvent } from '@register/event-sourcing';
import { toMessage } from '../codec';
import { InProcessContext } from '../in-process/server';
import { eventsConsumer } from './events-consumer';

@Injectable()
class Replica {
  readonly seen: number[] = [];
  failNext = false;
}

const event = (position: number) =>
  ({ eventId: `e-${position}`, position, streamId: `s-${position % 3}`, revision: 0, type: 'Happened', schemaVersion: 1, data: {}, metadata: { correlationId: 'c' }, recordedAt: '2026-12-05T00:00:00.000Z' }) as unknown as RecordedEvent;

const Consumer = eventsConsumer('source', Replica, (replica, e) => {
  if (replica.failNext) {
    replica.failNext = false;
    throw new Error('replica away');
  }
  replica.seen.push(e.position);
});
type ConsumerOf = { onEvent(event: RecordedEvent, context: unknown): Promise<void>; snapshotState(): unknown; restoreState(state: unknown): void };

const inProcess = (e: RecordedEvent, origin = 'log-a') => new InProcessContext(['topic', toMessage(e, origin)]);
function onKafka(e: RecordedEvent, partition: number, origin: string): KafkaContext {
  const { key, value, headers } = toMessage(e, origin);
  const bytes = Object.fromEntries(Object.entries(headers).map(([name, text]) => [name, Buffer.from(text)]));
  return new KafkaContext([{ key: Buffer.from(key), value: Buffer.from(value), headers: bytes, offset: '0', timestamp: '0', attributes: 0 }, partition, 'topic', undefined as never, undefined as never, undefined as never]);
}

describe('eventsConsumer', () => {
  let replica: Replica;
  let consumer: ConsumerOf;
  beforeEach(() => {
    replica = new Replica();
    consumer = new (Consumer as unknown as new (r: Replica) => ConsumerOf)(replica);
  });

  it('given a log applied in order, when a batch comes again after a restore from its snapshot, then nothing is applied twice', async () => {
    for (let p = 1; p <= 5; p++) await consumer.onEvent(event(p), inProcess(event(p)));
    const restored = new (Consumer as unknown as new (r: Replica) => ConsumerOf)(replica);
    restored.restoreState(structuredClone(consumer.snapshotState()));
    for (let p = 3; p <= 6; p++) await restored.onEvent(event(p), inProcess(event(p)));
    expect(replica.seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps each Kafka partition and each log apart: lower positions on another partition or from another log are applied', async () => {
    await consumer.onEvent(event(9), onKafka(event(9), 0, 'log-a'));
    await consumer.onEvent(event(4), onKafka(event(4), 1, 'log-a'));
    await consumer.onEvent(event(9), onKafka(event(9), 0, 'log-a'));
    const otherLog = { ...event(2), eventId: 'other-2' } as RecordedEvent;
    await consumer.onEvent(otherLog, onKafka(otherLog, 0, 'log-b'));
    expect(replica.seen).toEqual([9, 4, 2]);
  });

  it('applies messages without an origin (published by hand, or before the header) by their ids: another log\'s lower positions are new', async () => {
    const bare = (e: RecordedEvent) => new InProcessContext(['topic', toMessage(e)]);
    await consumer.onEvent(event(500), bare(event(500)));
    const otherLog = { ...event(1), eventId: 'other-1' } as RecordedEvent;
    await consumer.onEvent(otherLog, bare(otherLog));
    await consumer.onEvent(event(500), bare(event(500)));
    expect(replica.seen).toEqual([500, 1]);
  });

  it('given an attempt that failed while later events were applied, when it is delivered again, then it runs', async () => {
    replica.failNext = true;
    await expect(consumer.onEvent(event(1), inProcess(event(1)))).rejects.toThrow('replica away');
    await consumer.onEvent(event(2), inProcess(event(2)));
    await consumer.onEvent(event(1), inProcess(event(1)));
    await consumer.onEvent(event(1), inProcess(event(1)));
    expect(replica.seen).toEqual([2, 1]);
  });
});
