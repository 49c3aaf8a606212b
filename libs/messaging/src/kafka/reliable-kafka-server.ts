import { ServerKafka } from '@nestjs/microservices';
import { Counter, register } from 'prom-client';
import type { Consumer, EachMessagePayload, Kafka, KafkaMessage } from '@nestjs/microservices/external/kafka.interface';
import { deadLetterMessageHeaders } from '../dead-letter';
import { Backoff, backoffDelay, beforeDeadline, pause, retried } from '../backoff';
import { DEFAULT_DELIVERY_POLICY, DeliveryPolicy, deliver, describeError, Failure } from '../delivery';
import { deadLetterTopic } from '../topics';
import { ensureTopics, TopicsOnce } from './admin';
import { kafkaConfig } from './client';
import { TopicOffsets } from './topic-offsets';
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
   * its offsets are never committed, and every start reads each partition from the beginning of the
   * topic, whatever the group committed before (a partition given to it again: from after the last
   * message it handled there). Redeliveries are harmless, the handlers being idempotent.
   */
  commitOffsets?: boolean;
  /** Pauses between starts of a consumer that kafkajs gave up on, while the starts fail. */
  restartBackoff?: Backoff;
  /** A group whose in-memory state is snapshotted with its offsets (service-kit's GroupSnapshots); implies no automatic commit. */
  resumable?: ResumableGroup;
  /**
   * The group named in the dead-letter topic's name, when not `group`: the instances of a service
   * (each in a group of its own, instanceGroup) share one dead-letter topic per source topic, the
   * letter's header naming the instance's group. A replay goes back to the source topic, which
   * every instance reads again.
   */
  deadLetterGroup?: string;
}

/** The last offset handled, per `topic:partition`. */
export type HandledOffsets = Record<string, number>;

/**
 * The handlers' state kept with the offsets it includes. The server asks it once, before its
 * consumer first runs, to restore the state; each partition it is given is then read from the
 * offset after the last one its state includes, or from its beginning. At close, before the
 * consumer leaves, it may take a last snapshot (`cut`).
 */
export interface ResumableGroup {
  /** The offsets the restored state includes; undefined when nothing was restored (every partition from its beginning). */
  restore(): Promise<HandledOffsets | undefined>;
  beforeClose(server: ReliableKafkaServer): Promise<void>;
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
/** How often the lag at start is read before readiness gives up waiting for it (pauses of 0.1 s growing to 2 s: about 10 s in all). */
const START_ENDS_ATTEMPTS = 8;
/** How long a read with minPosition waits for the topics' ends before it reads without them (the broker away). */
const ENDS_WAIT_MS = 1_000;

/** Messages handled (or dead-lettered) by each group: what a start read again shows here. */
function handledCounter(): Counter<'group'> {
  const name = 'register_consumer_messages_handled_total';
  return (register.getSingleMetric(name) as Counter<'group'> | undefined) ?? new Counter({ name, help: 'Messages handled or dead-lettered by the consumer group since the process started', labelNames: ['group'] });
}

export class ReliableKafkaServer extends ServerKafka {
  private readonly policy: DeliveryPolicy;
  private readonly deadLetterTopics = new TopicsOnce(() => this.client as unknown as import('kafkajs').Kafka);
  private restarting = false;
  private closed = false;
  /** Handlers running now; a cut waits for none. */
  private inFlight = 0;
  /** When each handler running now began: one running past the group's session is no consumer (assertConsuming). */
  private readonly running = new Set<{ since: number }>();
  private readonly idle: Array<() => void> = [];
  private readonly handledUpTo: HandledOffsets = {};
  /** The last question of the topics' ends (endsAsked), and when it was asked. */
  private lastEnds?: { at: number; ends: Promise<Map<string, number>> };
  /** Messages handled since this start (dead-lettered ones included). */
  handled = 0;
  private restored?: Promise<HandledOffsets | undefined>;
  /** The restored offsets applied and every partition's first offset known: done once per process. */
  private resumePrepared = false;
  /** Where a partition this process has not handled is read from: after the restored offset, else its low watermark. */
  private readonly firstOffsets = new Map<string, string>();
  private readonly handledMetric: Counter.Internal;
  /** Per partition, the last offset the topic held at this process's first start that the group had not handled: what readiness waits for. */
  private startEnds?: Map<string, number>;
  /** The partitions the group gave this process at its last join. */
  private assigned?: string[];
  private caughtUpWithStart = false;
  /** Per partition, the first offset this process had to read at its first start (before it: handled by the group earlier). */
  private readonly readFrom = new Map<string, number>();
  private readonly offsets = new TopicOffsets(() => this.client as unknown as import('kafkajs').Kafka);

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
      run: { autoCommit: !reliable.resumable && (reliable.commitOffsets ?? true), partitionsConsumedConcurrently: reliable.partitionsConsumedConcurrently ?? 3 },
      producer: IDEMPOTENT_PRODUCER,
    });
    this.policy = { ...DEFAULT_DELIVERY_POLICY, ...reliable.delivery };
    this.handledMetric = handledCounter().labels({ group: reliable.group });
  }

  override async handleMessage(payload: EachMessagePayload): Promise<void> {
    this.inFlight += 1;
    const run = { since: Date.now() };
    this.running.add(run);
    try {
      await deliver(() => super.handleMessage(payload), this.policy, {
        beforeRetry: () => payload.heartbeat(),
        deadLetter: (failure) => this.deadLetter(payload, failure),
      });
      this.handledUpTo[`${payload.topic}:${payload.partition}`] = Number(payload.message.offset);
      this.handled += 1;
      this.handledMetric.inc();
    } finally {
      this.running.delete(run);
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  /**
   * A consistent cut: pauses every topic, waits until no handler runs, calls `take` (synchronously,
   * in that tick) and copies the last handled offset per partition, then resumes. The state `take`
   * returns includes exactly the messages up to those offsets. Undefined when the consumer is not running.
   */
  async cut<T>(take: () => T): Promise<{ state: T; offsets: HandledOffsets } | undefined> {
    const consumer = this.consumer;
    if (!consumer) return undefined;
    const topics = this.topics().map((topic) => ({ topic }));
    consumer.pause(topics);
    try {
      while (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
      return { state: take(), offsets: { ...this.handledUpTo } };
    } finally {
      consumer.resume(topics);
    }
  }

  /** Commits "offset + 1" of each partition to the group, once the state that includes them is saved. */
  async commit(offsets: HandledOffsets): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    const entries = Object.entries(offsets).map(([key, offset]) => {
      const at = key.lastIndexOf(':');
      return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)), offset: String(offset + 1) };
    });
    if (entries.length) await consumer.commitOffsets(entries);
  }

  /** A resumable group, or one that never commits: its state is in memory, so the group's committed offsets do not say where it stands. */
  private get keepsStateInMemory(): boolean {
    return !!this.reliable.resumable || this.reliable.commitOffsets === false;
  }

  private topics(): string[] {
    return [...this.messageHandlers.keys()].filter((pattern): pattern is string => typeof pattern === 'string');
  }

  /**
   * Before the consumer first runs: the state restored (once per process), and where each partition
   * is first read from: the offset after the restored one, else its low watermark (the whole topic,
   * whatever the group committed before: snapshots turned off after they were on, or refused).
   */
  private async prepareResume(topics: string[]): Promise<void> {
    const resumable = this.reliable.resumable;
    if (!this.keepsStateInMemory || this.resumePrepared) return;
    this.restored ??= resumable ? resumable.restore() : Promise.resolve(undefined);
    const saved = (await this.restored) ?? {};
    // The restored state includes these: a partition not handled again keeps its saved offset in the next snapshot.
    Object.assign(this.handledUpTo, saved);
    // A leader being elected (a topic just created, a broker fenced under load) answers "not the leader" for a while.
    const lows = await retried(() => this.lowWatermarks(topics), START_ENDS_ATTEMPTS);
    for (const [key, low] of lows) this.firstOffsets.set(key, saved[key] === undefined ? low : String(saved[key] + 1));
    this.resumePrepared = true;
  }

  /** Each partition's first offset still held, per `topic:partition`. */
  private async lowWatermarks(topics: string[]): Promise<Map<string, string>> {
    const offsets = await this.offsets.ofTopics(topics);
    return new Map([...offsets].map(([key, { low }]) => [key, String(low)]));
  }

  /**
   * Services start in any order, so a group may start before the service that writes its topic has
   * created it; subscribing to a topic the broker does not know fails and the group would never
   * start. The group creates the topics it reads (existing ones are left as they are).
   */
  override async bindEvents(consumer: Consumer): Promise<void> {
    const topics = this.topics();
    if (topics.length > 0) await ensureTopics(this.client as unknown as import('kafkajs').Kafka, topics.map((topic) => ({ topic })));
    await this.prepareResume(topics);
    await this.noteStartEnds(topics);
    await super.bindEvents(consumer);
  }

  /**
   * Readiness of the group: caught up with its start (assertCaughtUpWithStart), and no handler
   * running past the group's session timeout. Kafka drops a member that long silent from its group
   * and gives its message again once it re-joins, so such a handler stops the consumer while it
   * runs: a probe saw a service's consumer so for 15 minutes, its health still "up".
   */
  assertConsuming(now = Date.now()): void {
    this.assertCaughtUpWithStart();
    const limit = this.reliable.sessionTimeoutMs ?? 10_000;
    const longest = Math.max(0, ...[...this.running].map((r) => now - r.since));
    if (longest > limit) throw new Error(`${this.reliable.group}: a handler has run ${Math.round(longest / 1000)} s, beyond the group's session of ${limit / 1000} s: its messages are not being consumed`);
  }

  /**
   * Throws until this process has handled, in every partition the group gave it, what the topics
   * held at its first start beyond where the group stood (a replica in memory: the whole topic, or
   * after its restored offsets); never again after, as later messages are lag, not a start. A
   * service is not ready before: its replicas would answer as if those events had not happened.
   */
  assertCaughtUpWithStart(): void {
    if (this.caughtUpWithStart) return;
    if (!this.startEnds || !this.assigned) throw new Error(`${this.reliable.group} has not joined its group yet`);
    const behind = this.assigned.filter((key) => (this.startEnds!.get(key) ?? -1) > (this.handledUpTo[key] ?? -1));
    if (behind.length) throw new Error(`${this.reliable.group} is reading what its topics held at start (${behind.map((key) => `${key} at ${this.handledUpTo[key] ?? '-'} of ${this.startEnds!.get(key)}`).join(', ')})`);
    this.caughtUpWithStart = true;
  }

  /**
   * Once per process, before its consumer first runs: each partition's last offset, where the group
   * had not handled it (its lag at start). A topic just created may not have its leader yet (the
   * broker answers that it does not host the partition): tried again with growing pauses; if the
   * offsets still cannot be read, readiness does not wait for the lag rather than the group never starting.
   */
  private async noteStartEnds(topics: string[]): Promise<void> {
    if (this.startEnds) return;
    try {
      this.startEnds = await retried(() => this.readStartEnds(topics), START_ENDS_ATTEMPTS);
    } catch (error) {
      this.logger.warn(`${this.reliable.group}: its lag at start is not known (${describeError(error)}); ready will not wait for it`);
      this.startEnds = new Map();
    }
  }

  private async readStartEnds(topics: string[]): Promise<Map<string, number>> {
    const ends = new Map<string, number>();
    const committed = this.keepsStateInMemory ? new Map<string, number>() : await this.offsets.committed(this.reliable.group, topics);
    for (const [key, { low, high }] of await this.offsets.ofTopics(topics)) {
      // The first offset this process reads there: after the restored state, or the group's commit (-1: none), or the topic's beginning.
      const from = this.keepsStateInMemory ? Number(this.firstOffsets.get(key) ?? low) : Math.max(low, committed.get(key) ?? -1);
      this.readFrom.set(key, from);
      if (high > from) ends.set(key, high - 1);
    }
    return ends;
  }

  protected override registerConsumerEventListeners(): void {
    super.registerConsumerEventListeners();
    const consumer = this.consumer!;
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) void this.restartConsumer(event.payload.error);
    });
    // A group whose state is in memory reads each partition it is given from where this process's state stands:
    // after the last message it handled there, else after the restored offset, else from the
    // beginning. Not from the group's committed offsets: another process of the group (a rolling
    // update's old pod) may have committed past what this process's state includes.
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.assigned = Object.entries(event.payload.memberAssignment).flatMap(([topic, partitions]) => (partitions as number[]).map((partition) => `${topic}:${partition}`));
      if (!this.keepsStateInMemory) return;
      for (const [topic, partitions] of Object.entries(event.payload.memberAssignment)) {
        for (const partition of partitions as number[]) {
          const key = `${topic}:${partition}`;
          const handled = this.handledUpTo[key];
          const offset = handled === undefined ? this.firstOffsets.get(key) : String(handled + 1);
          if (offset !== undefined) consumer.seek({ topic, partition, offset });
        }
      }
    });
  }

  private async deadLetter(payload: EachMessagePayload, failure: Failure): Promise<void> {
    const topic = deadLetterTopic(payload.topic, this.reliable.deadLetterGroup ?? this.reliable.group);
    await this.deadLetterTopics.ensure({ topic, partitions: 1 });
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

  /**
   * Resolves true once this process has handled every message its topics hold now, in the
   * partitions the group gave it: what the other services had published when a read with
   * `minPosition` came is then reflected here (docs/openapi.md). False at `deadline` (epoch ms).
   * Topics whose ends cannot be read within a second (the broker away) hold nothing more that could
   * arrive meanwhile: true, and the read answers from what it has, as it did before this wait.
   */
  async handledAllNow(deadline: number): Promise<boolean> {
    const ends = await beforeDeadline(this.endsAsked(performance.now()), Math.min(deadline, Date.now() + ENDS_WAIT_MS));
    if (!ends) return true;
    for (;;) {
      const behind = [...ends].some(([key, last]) => (!this.assigned || this.assigned.includes(key)) && last > this.handledThrough(key));
      if (!behind) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await pause(Math.min(20, left));
    }
  }

  /** The last offset of a partition this process has handled, or need not (read before it by the group); unknown partitions count as handled. */
  private handledThrough(key: string): number {
    return Math.max(this.handledUpTo[key] ?? -1, (this.readFrom.get(key) ?? Infinity) - 1);
  }

  /**
   * The topics' ends, asked of the broker at `asked` or after: a question already under way since
   * then answers for this one too (the commands that arrive together ask once), one asked before
   * may not (what was published just before this asked may not be in it).
   */
  private endsAsked(asked: number): Promise<Map<string, number>> {
    if (this.lastEnds && this.lastEnds.at >= asked) return this.lastEnds.ends;
    const at = performance.now();
    const ends = this.endsNow();
    this.lastEnds = { at, ends };
    return ends;
  }

  private async endsNow(): Promise<Map<string, number>> {
    const offsets = await this.offsets.ofTopics(this.topics());
    return new Map([...offsets].map(([key, { high }]) => [key, high - 1]));
  }

  /**
   * A first start that fails (the broker away, a partition without its leader for a while) does not
   * end the process: it is tried again in the background, as after a crash, and readiness says the
   * group has not joined yet until it has.
   */
  override async listen(callback: (error?: unknown) => void): Promise<void> {
    await super.listen((error?: unknown) => {
      if (!error || this.restarting || this.closed) return callback(error);
      void this.restartConsumer(error as Error);
      callback();
    });
  }

  override async close(): Promise<void> {
    this.closed = true;
    await this.offsets.close();
    if (this.reliable.resumable && this.consumer) await this.reliable.resumable.beforeClose(this);
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
    this.logger.error(`consumer of ${this.reliable.group} stopped or did not start (${error.message}); starting it again`);
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
