import { ITopicConfig, Kafka } from 'kafkajs';
import { EVENTS_TOPIC_PARTITIONS } from '../topics';

export interface TopicSpec {
  topic: string;
  partitions?: number;
  /** 1 on the dev broker; 3 in production (deploy/kafka). */
  replicationFactor?: number;
  configs?: Record<string, string>;
}

/**
 * Creates the topics that do not exist yet; existing ones are left as they are (partition counts
 * are never changed here: growing them would move keys between partitions and break per-stream order).
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics: ITopicConfig[] = specs
      .filter((s) => !existing.has(s.topic))
      .map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions ?? EVENTS_TOPIC_PARTITIONS,
        replicationFactor: s.replicationFactor ?? 1,
        configEntries: Object.entries(s.configs ?? {}).map(([name, value]) => ({ name, value })),
      }));
    // waitForLeaders: a producer that sends right after must not meet LEADER_NOT_AVAILABLE.
    if (topics.length) await admin.createTopics({ topics, waitForLeaders: true });
  } catch (error) {
    if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
  } finally {
    await admin.disconnect();
  }
}
