import { Admin, ITopicConfig, Kafka } from 'kafkajs';
import { Backoff, backoffDelay, DEFAULT_BACKOFF, pause } from '../backoff';
import { EVENTS_TOPIC_PARTITIONS } from '../topics';

export interface TopicSpec {
  topic: string;
  partitions?: number;
  /** 1 on the dev broker; 3 in production (deploy/kafka). */
  replicationFactor?: number;
  configs?: Record<string, string>;
}

/** How long ensureTopics keeps trying on errors that pass (the broker catching up), and how it backs off. */
export interface TopicsWait {
  timeoutMs: number;
  backoff: Backoff;
}

const DEFAULT_WAIT: TopicsWait = { timeoutMs: 30_000, backoff: DEFAULT_BACKOFF };

/** Errors of a topic the broker has just created and does not serve yet. */
const SETTLING = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

interface KafkaError {
  type?: string;
  retriable?: boolean;
  topic?: string;
  message?: string;
  cause?: KafkaError;
  errors?: KafkaError[];
}

/**
 * Creates the topics that do not exist yet; existing ones are left as they are (partition counts
 * are never changed here: growing them would move keys between partitions and break per-stream order).
 * Resolves once every topic has a leader for each partition, so that a producer that sends right
 * after does not meet LEADER_NOT_AVAILABLE, whichever process created the topics.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[], wait: Partial<TopicsWait> = {}): Promise<void> {
  const { timeoutMs, backoff } = { ...DEFAULT_WAIT, ...wait };
  const names = specs.map((s) => s.topic);
  const deadline = Date.now() + timeoutMs;
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await createMissing(admin, specs);
        return await awaitLeaders(admin, names);
      } catch (error) {
        if (!isRetriable(error as KafkaError) || Date.now() >= deadline) throw notReady(names, error as KafkaError);
        await pause(backoffDelay(backoff, attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

async function createMissing(admin: Admin, specs: TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const topics: ITopicConfig[] = specs
    .filter((s) => !existing.has(s.topic))
    .map((s) => ({
      topic: s.topic,
      numPartitions: s.partitions ?? EVENTS_TOPIC_PARTITIONS,
      replicationFactor: s.replicationFactor ?? 1,
      configEntries: Object.entries(s.configs ?? {}).map(([name, value]) => ({ name, value })),
    }));
  if (!topics.length) return;
  try {
    // No kafkajs leader wait: it throws on UNKNOWN_TOPIC_OR_PARTITION (a topic just created that the
    // broker's metadata does not show yet), and is skipped when another process created one of the topics.
    await admin.createTopics({ topics, waitForLeaders: false });
  } catch (error) {
    if (!causes(error as KafkaError).every(createdElsewhere)) throw error;
  }
}

async function awaitLeaders(admin: Admin, names: string[]): Promise<void> {
  const { topics } = await admin.fetchTopicMetadata({ topics: names });
  const led = new Set(topics.filter((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)).map((t) => t.name));
  const leaderless = names.filter((name) => !led.has(name));
  if (leaderless.length) throw Object.assign(new Error(`no leader yet for ${leaderless.join(', ')}`), { type: 'LEADER_NOT_AVAILABLE' });
}

/** The topic errors of kafkajs' aggregate error (createTopics reports one per topic), or the error itself. */
const causes = (error: KafkaError): KafkaError[] => error.errors ?? [error];
const createdElsewhere = (error: KafkaError) => error.type === 'TOPIC_ALREADY_EXISTS';

/** A topic another process created is no failure; the rest must all be worth retrying. kafkajs wraps an error whose retries ran out (cause). */
function isRetriable(error: KafkaError): boolean {
  const failures = causes(error).filter((e) => !createdElsewhere(e));
  return failures.every((e) => e.retriable === true || SETTLING.has(e.type ?? '') || SETTLING.has(e.cause?.type ?? ''));
}

function notReady(names: string[], error: KafkaError): Error {
  const detail = causes(error).filter((e) => !createdElsewhere(e)).map((e) => (e.topic ? `${e.topic}: ${e.type ?? e.message}` : e.message)).join('; ');
  return new Error(`Kafka topics ${names.join(', ')} not ready: ${detail}`, { cause: error });
}

/**
 * ensureTopics asked once per topic for its holder (a publisher, a consumer's dead letters): later
 * calls wait on the same answer; a failure is forgotten, so that the next call asks again.
 */
export class TopicsOnce {
  private readonly ready = new Map<string, Promise<void>>();

  /** `kafka` is read at each first ask: a consumer's client is replaced when it starts again. */
  constructor(private readonly kafka: () => Kafka) {}

  ensure(spec: TopicSpec): Promise<void> {
    let ready = this.ready.get(spec.topic);
    if (!ready) {
      ready = ensureTopics(this.kafka(), [spec]);
      ready.catch(() => this.ready.delete(spec.topic));
      this.ready.set(spec.topic, ready);
    }
    return ready;
  }
}
