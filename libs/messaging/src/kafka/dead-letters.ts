import { randomUUID } from 'node:crypto';
import { Kafka, Producer } from 'kafkajs';
import { headersToStrings } from '../codec';
import { originalHeaders } from '../dead-letter';
import { DeadLetterHeaders } from '../topics';
import { IDEMPOTENT_PRODUCER } from './publisher';

export interface DeadLetter {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  /** Where it failed and why, read from the dlq-* headers. */
  originalTopic: string;
  group: string;
  error: string;
  attempts: number;
}

/**
 * Lists and replays a dead-letter topic. Replay sends the original message (key, value, original
 * headers) back to its original topic: every group on that topic sees it again, which is harmless
 * because handlers are idempotent by event id, and the group that failed gets its second chance.
 * The replayer keeps its own committed offsets (group `<dlq>.replayer`), so each letter is replayed
 * once unless asked for `all`.
 */
export class KafkaDeadLetters {
  constructor(private readonly kafka: Kafka) {}

  /** Every letter of the topic, oldest first; `pendingOnly` leaves out those already replayed. */
  async list(dlqTopic: string, options: { pendingOnly?: boolean } = {}): Promise<DeadLetter[]> {
    return (await this.pending(dlqTopic, options.pendingOnly ?? false)).letters;
  }

  /**
   * Sends the pending letters back to their topics and marks them replayed; returns how many.
   * With `accept`, only the letters it keeps are sent and nothing is marked (a targeted retry).
   */
  async replay(dlqTopic: string, accept?: (letter: DeadLetter) => boolean): Promise<number> {
    const { letters: pending, ends } = await this.pending(dlqTopic, true);
    const letters = accept ? pending.filter(accept) : pending;
    const producer: Producer = this.kafka.producer(IDEMPOTENT_PRODUCER);
    await producer.connect();
    try {
      for (const l of letters) {
        const headers = { ...originalHeaders(l.headers), 'replayed-from': `${dlqTopic}@${l.partition}:${l.offset}` };
        await producer.send({ topic: l.originalTopic, acks: -1, messages: [{ key: l.key, value: l.value, headers }] });
      }
    } finally {
      await producer.disconnect();
    }
    if (!accept) await this.markReplayed(dlqTopic, ends);
    return letters.length;
  }

  private async pending(dlqTopic: string, pendingOnly: boolean) {
    const from = pendingOnly ? await this.replayedUpTo(dlqTopic) : new Map<number, bigint>();
    const { letters, ends } = await this.readAll(dlqTopic);
    return { letters: letters.filter((l) => BigInt(l.offset) >= (from.get(l.partition) ?? 0n)), ends };
  }

  /** Every letter up to the end offsets seen when the read began (letters arriving meanwhile wait for the next call). */
  private async readAll(topic: string): Promise<{ letters: DeadLetter[]; ends: Map<number, bigint> }> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    const waiting = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
    const letters: DeadLetter[] = [];
    if (waiting.size === 0) return admin.disconnect().then(() => ({ letters, ends }));
    // kafkajs has no assign(): a throwaway group reads from the beginning, and is deleted after.
    const groupId = `${topic}.reader.${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (BigInt(message.offset) >= ends.get(partition)!) return;
            letters.push(toLetter(partition, message));
            if (BigInt(message.offset) + 1n >= ends.get(partition)!) waiting.delete(partition);
            if (waiting.size === 0) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
    letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
    return { letters, ends };
  }

  private async replayedUpTo(dlqTopic: string): Promise<Map<number, bigint>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: replayerGroup(dlqTopic), topics: [dlqTopic] });
      return new Map((committed?.partitions ?? []).filter((p) => p.offset !== '-1').map((p) => [p.partition, BigInt(p.offset)]));
    } finally {
      await admin.disconnect();
    }
  }

  /** Moves the replayer group past the letters just replayed (an offset names the next letter to read). */
  private async markReplayed(dlqTopic: string, ends: Map<number, bigint>): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const partitions = [...ends].map(([partition, high]) => ({ partition, offset: high.toString() }));
      await admin.setOffsets({ groupId: replayerGroup(dlqTopic), topic: dlqTopic, partitions });
    } finally {
      await admin.disconnect();
    }
  }
}

export function replayerGroup(dlqTopic: string): string {
  return `${dlqTopic}.replayer`;
}

function toLetter(partition: number, message: { offset: string; key: Buffer | null; value: Buffer | null; headers?: Record<string, unknown> }): DeadLetter {
  const headers = headersToStrings(message.headers);
  return {
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    value: message.value?.toString('utf8') ?? null,
    headers,
    originalTopic: headers[DeadLetterHeaders.topic] ?? '',
    group: headers[DeadLetterHeaders.group] ?? '',
    error: headers[DeadLetterHeaders.error] ?? '',
    attempts: Number(headers[DeadLetterHeaders.attempts] ?? 0),
  };
}
