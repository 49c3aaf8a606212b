import { Kafka } from 'kafkajs';
import { createKafka, ensureTopics, EVENTS_TOPIC_PARTITIONS, TopicSpec } from '@register/messaging';
import { servers, uniqueName } from '../support/servers';

/**
 * The services and the gateway start at the same time and each creates the topics it writes and
 * reads. One of five processes once died at start on UNKNOWN_TOPIC_OR_PARTITION from kafkajs'
 * createTopics, waiting for leaders of a topic another process had just created (docs/scale.md).
 * Here many clients create the same new topics at once, round after round: every call must
 * resolve, and once it has, its client must find a leader for each partition of every topic it
 * asked for (a producer sends right after ensureTopics).
 */
jest.setTimeout(180_000);

const CLIENTS = 8;
const TOPICS_PER_ROUND = 8;
const ROUNDS = 20;

describe('ensureTopics from many processes at once (real broker)', () => {
  const created: string[] = [];
  let clients: Kafka[];

  beforeAll(() => {
    clients = Array.from({ length: CLIENTS }, (_, i) => createKafka({ brokers: servers.kafkaBrokers, clientId: `ensure-race-${i}`, logLevel: 'nothing' }));
  });

  afterAll(async () => {
    const admin = clients[0].admin();
    await admin.connect();
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
  });

  it.each(Array.from({ length: ROUNDS }, (_, round) => round))('round %i: every call resolves and every partition has a leader', async () => {
    const round = uniqueName('ensure').toLowerCase();
    const specs: TopicSpec[] = Array.from({ length: TOPICS_PER_ROUND }, (_, i) => ({ topic: `${round}.t${i}` }));
    created.push(...specs.map((s) => s.topic));

    // Each client asks for the same topics in its own order, so that each call finds some created by others.
    const problems = await Promise.all(
      clients.map(async (kafka, i) => {
        try {
          await ensureTopics(kafka, rotate(specs, i));
        } catch (error) {
          return [`client ${i}: ensureTopics failed: ${String(error)}`];
        }
        return leaderlessPartitions(kafka, specs.map((s) => s.topic)).then(
          (missing) => missing.map((m) => `client ${i}: no leader for ${m}`),
          (error) => [`client ${i}: metadata failed: ${String(error)}`],
        );
      }),
    );

    expect(problems.flat()).toEqual([]);
  });
});

function rotate<T>(items: T[], by: number): T[] {
  const at = by % items.length;
  return [...items.slice(at), ...items.slice(0, at)];
}

/** `topic/partition` of each partition without a leader, and `topic/missing` for a topic with fewer partitions than asked. */
async function leaderlessPartitions(kafka: Kafka, topics: string[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    return metadata.flatMap(({ name, partitions }) => [
      ...partitions.filter((p) => p.leader < 0).map((p) => `${name}/${p.partitionId}`),
      ...(partitions.length < EVENTS_TOPIC_PARTITIONS ? [`${name}/missing`] : []),
    ]);
  } finally {
    await admin.disconnect();
  }
}
