import { ITopicConfig, ITopicMetadata, Kafka, KafkaJSAggregateError, KafkaJSProtocolError } from 'kafkajs';
import { ensureTopics } from './admin';

/**
 * What the broker's metadata says of a topic, one answer per metadata request, before it settles on
 * a leader for every partition. Just after a topic is created, the broker (KRaft) may not know it
 * yet ('unknown': UNKNOWN_TOPIC_OR_PARTITION), then has no leader ('no-leader': LEADER_NOT_AVAILABLE).
 */
type Answer = 'unknown' | 'no-leader' | 'leaderless' | 'ready';

function protocolError(type: string, code: number, retriable: boolean): KafkaJSProtocolError {
  // kafkajs builds these from its table of broker error codes (createErrorFromCode).
  return new KafkaJSProtocolError({ type, code, retriable, message: type } as unknown as Error);
}
const createTopicError = (topic: string, error: KafkaJSProtocolError) => Object.assign(error, { topic });

/**
 * An admin whose createTopics does what kafkajs 2.2.4's does (node_modules/kafkajs/src/admin/index.js):
 * if the broker answers TOPIC_ALREADY_EXISTS for every topic it reports (an aggregate error), it
 * resolves false without waiting for leaders of the topics it did create; otherwise its leader wait
 * retries LEADER_NOT_AVAILABLE only, and throws any other metadata error (UNKNOWN_TOPIC_OR_PARTITION).
 */
class FakeAdmin {
  readonly scripts = new Map<string, Answer[]>();
  createError?: Error;
  constructor(private readonly settling: Answer[]) {}

  /** A topic another process has just created: the broker's metadata does not show it yet. */
  createdElsewhere(topic: string) {
    this.scripts.set(topic, [...this.settling]);
  }

  connect = async () => undefined;
  disconnect = async () => undefined;
  // kafkajs lists topics from the metadata: a topic the broker does not know yet is not listed.
  listTopics = async () => [...this.scripts].filter(([, script]) => script[0] !== 'unknown').map(([topic]) => topic);

  createTopics = async ({ topics, waitForLeaders = true }: { topics: ITopicConfig[]; waitForLeaders?: boolean }) => {
    if (this.createError) throw this.createError;
    const existing = topics.filter(({ topic }) => this.scripts.has(topic));
    topics.filter(({ topic }) => !this.scripts.has(topic)).forEach(({ topic }) => this.scripts.set(topic, [...this.settling]));
    if (existing.length) return false; // the broker's aggregate of TOPIC_ALREADY_EXISTS, swallowed by kafkajs
    while (waitForLeaders) {
      try {
        await this.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
        break;
      } catch (error) {
        if ((error as KafkaJSProtocolError).type !== 'LEADER_NOT_AVAILABLE') throw error;
      }
    }
    return true;
  };

  fetchTopicMetadata = async ({ topics }: { topics: string[] }): Promise<{ topics: ITopicMetadata[] }> => {
    const answers = topics.map((topic) => (this.scripts.get(topic)?.length ? this.scripts.get(topic)!.shift()! : 'ready'));
    if (answers.includes('unknown')) throw protocolError('UNKNOWN_TOPIC_OR_PARTITION', 3, true);
    if (answers.includes('no-leader')) throw protocolError('LEADER_NOT_AVAILABLE', 5, true);
    return { topics: topics.map((name, i) => ({ name, partitions: [0, 1].map((partitionId) => ({ partitionId, leader: answers[i] === 'ready' ? 1 : -1, partitionErrorCode: 0, replicas: [1], isr: [1] })) })) };
  };

  /** What a producer sending right after would find: a leader for every partition of every topic. */
  async leadersOf(topics: string[]): Promise<string[]> {
    const { topics: metadata } = await this.fetchTopicMetadata({ topics });
    return metadata.filter((t) => t.partitions.every((p) => p.leader >= 0)).map((t) => t.name);
  }
}

const kafkaWith = (admin: FakeAdmin) => ({ admin: () => admin }) as unknown as Kafka;
const quickly = { timeoutMs: 1_000, backoff: { initialMs: 1, maxMs: 5 } };

describe('ensureTopics', () => {
  it('waits for leaders of a topic it created that the broker does not know yet (UNKNOWN_TOPIC_OR_PARTITION)', async () => {
    const admin = new FakeAdmin(['unknown', 'unknown', 'no-leader', 'leaderless']);
    await ensureTopics(kafkaWith(admin), [{ topic: 'a' }, { topic: 'b' }], quickly);
    expect(await admin.leadersOf(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('takes a topic another process created as created, and waits for the leaders of all the topics', async () => {
    const admin = new FakeAdmin(['unknown', 'no-leader', 'leaderless']);
    admin.createdElsewhere('a');
    await ensureTopics(kafkaWith(admin), [{ topic: 'a' }, { topic: 'b' }], quickly);
    expect(await admin.leadersOf(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('takes an aggregate of TOPIC_ALREADY_EXISTS (no type of its own) as created', async () => {
    const admin = new FakeAdmin(['unknown', 'no-leader']);
    admin.createdElsewhere('a');
    admin.createError = new KafkaJSAggregateError('Topic creation errors', [createTopicError('a', protocolError('TOPIC_ALREADY_EXISTS', 36, false))]);
    await ensureTopics(kafkaWith(admin), [{ topic: 'a' }], quickly);
    expect(await admin.leadersOf(['a'])).toEqual(['a']);
  });

  it('fails at once, naming the topics, on an error that retrying will not mend', async () => {
    const admin = new FakeAdmin([]);
    admin.createError = new KafkaJSAggregateError('Topic creation errors', [
      createTopicError('a', protocolError('TOPIC_ALREADY_EXISTS', 36, false)),
      createTopicError('b', protocolError('INVALID_REPLICATION_FACTOR', 38, false)),
    ]);
    const create = jest.spyOn(admin, 'createTopics');
    await expect(ensureTopics(kafkaWith(admin), [{ topic: 'a' }, { topic: 'b', replicationFactor: 3 }], quickly)).rejects.toThrow("Kafka topics a, b not ready: b: INVALID_REPLICATION_FACTOR");
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('gives up on a topic that never gets a leader within its time, naming the topic', async () => {
    const admin = new FakeAdmin(Array<Answer>(10_000).fill('no-leader'));
    await expect(ensureTopics(kafkaWith(admin), [{ topic: 'a' }], { timeoutMs: 50, backoff: { initialMs: 1, maxMs: 5 } })).rejects.toThrow(/topics a.*LEADER_NOT_AVAILABLE/);
  });
});
