import { ServerKafka } from '@nestjs/microservices';
import type { Consumer, EachMessagePayload, Kafka, KafkaMessage } from '@nestjs/microservices/external/kafka.interface';
import { deadLetterMessageHeaders } from '../dead-letter';
import { Backoff, backoffDelay, pause } from '../backoff';
import { DEFAULT_DELIVERY_POLICY, DeliveryPolicy, deliver, describeError, Failure } from '../delivery';
import { deadLetterTopic } from '../topics';
import { ensureTopics } from './admin';
import { kafkaConfig } from './client';
import { IDEMPOTENT_PRODUCER } from './publisher';

export interface ReliableKafkaOptions {
  brokers: string[];
  /** The consumer group, used as is (no "-server" suffix): one per service and purpose, e.g. `personnel.branch-sync`. */
  group: string;
  clientId?: string;
  delivery?: Partial<DeliveryPolicy>;
  /** Partitions handled at the same time; order within a partition is always kept. */
  partitionsConsumedConcurrently?: number;
  /** Seconds without heartbeat before the broker gives a dead member's partitions away (6 is the broker's minimum). */
  sessionTimeoutMs?: number;
  /** Longest the broker holds a fetch when there is nothing new; data is returned as soon as it arrives. */
  maxWaitTimeInMs?: number;
  logLevel?: string;
  /**
   * false for a group whose handlers keep their state in memory (a replica rebuilt at each start):
   * its offsets are never committed, so every start, and every partition it is given, is read from
   * the beginning of the topic. Redeliveries are harmless, the handlers being idempotent.
   */
  commitOffsets?: boolean;
  /** Pauses between starts of a consumer that kafkajs gave up on, while the starts fail. */
  restartBackoff?: Backoff;
}

/**
 * The NestJS Kafka transport (ServerKafka, kafkajs underneath) with the traps closed:
 * - a handler that throws is retried `maxAttempts` times, then the message goes to
 *   `<topic>.dlq.<group>` with its error and original headers, and the partition moves on
 *   (plain ServerKafka leaves the offset uncommitted, so one poison message blocks its partition);
 * - offsets are committed by kafkajs after each batch from the offsets it resolved itself, which
 *   are already "offset + 1": we never commit by hand, so the last message is not redelivered;
 * - a consumer that kafkajs gives up on (a crash it will not restart) is started again.
 * Handlers stay plain `@EventPattern(topic)` methods; they must be idempotent by event id
 * (delivery is at least once).
 */
const RESTART_BACKOFF: Backoff = { initialMs: 1_000, maxMs: 30_000 };

export class ReliableKafkaServer extends ServerKafka {
  private readonly policy: DeliveryPolicy;
  private readonly dlqTopicsReady = new Map<string, Promise<void>>();
  private restarting = false;
  private closed = false;

  constructor(private readonly reliable: ReliableKafkaOptions) {
    super({
      postfixId: '',
      client: kafkaConfig({ brokers: reliable.brokers, clientId: reliable.clientId ?? reliable.group, logLevel: reliable.logLevel }),
      consumer: {
        groupId: reliable.group,
        sessionTimeout: reliable.sessionTimeoutMs ?? 10_000,
        heartbeatInterval: 1_000,
        maxWaitTimeInMs: reliable.maxWaitTimeInMs ?? 500,
        retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 10, restartOnFailure: async () => true },
      },
      subscribe: { fromBeginning: true }, // a new group starts with the whole history of the topic
      run: { autoCommit: reliable.commitOffsets ?? true, partitionsConsumedConcurrently: reliable.partitionsConsumedConcurrently ?? 3 },
      producer: IDEMPOTENT_PRODUCER,
    });
    this.policy = { ...DEFAULT_DELIVERY_POLICY, ...reliable.delivery };
  }

  override async handleMessage(payload: EachMessagePayload): Promise<void> {
    await deliver(() => super.handleMessage(payload), this.policy, {
      beforeRetry: () => payload.heartbeat(),
      deadLetter: (failure) => this.deadLetter(payload, failure),
    });
  }

  /**
   * Services start in any order, so a group may start before the service that writes its topic has
   * created it; subscribing to a topic the broker does not know fails and the group would never
   * start. The group creates the topics it reads (existing ones are left as they are).
   */
  override async bindEvents(consumer: Consumer): Promise<void> {
    const topics = [...this.messageHandlers.keys()].filter((pattern) => typeof pattern === 'string');
    if (topics.length > 0) await ensureTopics(this.client as unknown as import('kafkajs').Kafka, topics.map((topic) => ({ topic })));
    await super.bindEvents(consumer);
  }

  protected override registerConsumerEventListeners(): void {
    super.registerConsumerEventListeners();
    const consumer = this.consumer!;
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) void this.restartConsumer(event.payload.error);
    });
  }

  private async deadLetter(payload: EachMessagePayload, failure: Failure): Promise<void> {
    const topic = deadLetterTopic(payload.topic, this.reliable.group);
    await this.ensureDeadLetterTopic(topic);
    const message: KafkaMessage = payload.message;
    const headers = deadLetterMessageHeaders(message.headers ?? {}, {
      error: describeError(failure.error),
      attempts: failure.attempts,
      group: this.reliable.group,
      topic: payload.topic,
      partition: payload.partition,
      offset: message.offset,
    });
    await this.producer!.send({ topic, acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
    this.logger.warn(`dead-lettered ${payload.topic}[${payload.partition}]@${message.offset} to ${topic} after ${failure.attempts} attempts: ${describeError(failure.error)}`);
  }

  private ensureDeadLetterTopic(topic: string): Promise<void> {
    let ready = this.dlqTopicsReady.get(topic);
    if (!ready) {
      ready = ensureTopics(this.client as unknown as import('kafkajs').Kafka, [{ topic, partitions: 1 }]);
      ready.catch(() => this.dlqTopicsReady.delete(topic));
      this.dlqTopicsReady.set(topic, ready);
    }
    return ready;
  }

  override async close(): Promise<void> {
    this.closed = true;
    await super.close();
  }

  /**
   * kafkajs stops for good on errors it deems not retriable; a consumer that silently stops is worse
   * than a restart. The start is tried again, with growing pauses, until it runs or the server is
   * closed: a broker still away at the first try must not leave the service without its reactions.
   */
  private async restartConsumer(error: Error): Promise<void> {
    if (this.restarting || this.closed) return;
    this.restarting = true;
    this.logger.error(`consumer of ${this.reliable.group} stopped (${error.message}); starting it again`);
    try {
      for (let attempt = 1; !this.closed; attempt += 1) {
        await super.close().catch(() => undefined); // a half-started client is dropped as it is
        await pause(backoffDelay(this.reliable.restartBackoff ?? RESTART_BACKOFF, attempt));
        if (this.closed) return;
        const failure = await new Promise<unknown>((resolve) => void this.listen((err?: unknown) => resolve(err)));
        if (!failure) return;
        this.logger.error(`start ${attempt} of ${this.reliable.group} failed (${describeError(failure)}); trying again`);
      }
    } finally {
      this.restarting = false;
    }
  }

  /** The kafkajs client, for tools that need the same connection (tests, admin). */
  get kafka(): Kafka | null {
    return this.client;
  }
}
