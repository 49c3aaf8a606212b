import type { Admin, Kafka } from 'kafkajs';

/** A partition's first offset still held and the offset after its last message. */
export interface PartitionOffsets {
  low: number;
  high: number;
}

/**
 * Offsets of topics' partitions and of a consumer group, per `topic:partition`, through one admin
 * client kept connected (a read with minPosition asks for them; a new connection each time would
 * cost it a handshake). A failed request drops the client; the next one connects again.
 */
export class TopicOffsets {
  private admin?: Promise<Admin>;

  constructor(private readonly kafka: () => Kafka) {}

  async ofTopics(topics: string[]): Promise<Map<string, PartitionOffsets>> {
    return this.using(async (admin) => {
      const offsets = new Map<string, PartitionOffsets>();
      // The topics at once: a distributed command asks before each decision (UpstreamLogs).
      const each = await Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) })));
      for (const { topic, partitions } of each) for (const { partition, low, high } of partitions) offsets.set(`${topic}:${partition}`, { low: Number(low), high: Number(high) });
      return offsets;
    });
  }

  /** What the group committed (-1 where it has not). */
  async committed(groupId: string, topics: string[]): Promise<Map<string, number>> {
    if (topics.length === 0) return new Map();
    return this.using(async (admin) => {
      const committed = new Map<string, number>();
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
        for (const { partition, offset } of partitions) committed.set(`${topic}:${partition}`, Number(offset));
      }
      return committed;
    });
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  private async using<T>(ask: (admin: Admin) => Promise<T>): Promise<T> {
    this.admin ??= (async () => {
      const admin = this.kafka().admin();
      await admin.connect();
      return admin;
    })();
    try {
      return await ask(await this.admin);
    } catch (error) {
      await this.close();
      throw error;
    }
  }
}
