import { EventStore, RecordedEvent, Subscription } from '@register/event-sourcing';
import { Backoff, backoffDelay, DEFAULT_BACKOFF, pause } from './backoff';
import { CheckpointStore, EventPublisher } from './ports';

/** How often a relay standing by reads the publishing one's checkpoint while a position is waited for (whenPublished). */
const STANDBY_WAIT_READ_MS = 20;

/** The lock a publishing relay holds: how to give it back, and whether it still holds it (its connection to the database was not lost). */
export interface Leadership {
  release(): Promise<void>;
  held(): boolean;
}

export interface LogRelayOptions {
  /** Most events in one publish call. */
  batchSize?: number;
  /** Events read ahead of the last acknowledged one before the reader waits. */
  maxBuffered?: number;
  /** Poll interval when the store cannot notify (LISTEN/NOTIFY wakes it earlier). */
  pollMs?: number;
  backoff?: Backoff;
  /** Told about every failed publish or read; the relay retries by itself. */
  onError?: (error: unknown) => void;
  /**
   * Several processes of one service share its log: the relay publishes only while it holds this
   * lock (a function that takes it if free and answers how to give it back, else undefined), and
   * until then stands by. Without it, the relay publishes at once.
   */
  leadership?: () => Promise<Leadership | undefined>;
  /** How often a relay standing by tries the lock and reads how far the publishing one got (more often while a position is waited for: STANDBY_WAIT_READ_MS). */
  standbyMs?: number;
}

/**
 * Publishes a service's log to its topic: the log is the outbox. A subscription reads the global
 * log into a buffer from the stored checkpoint; a publisher loop sends the buffer in batches and
 * moves the checkpoint only past what the broker acknowledged. A crash anywhere therefore loses
 * nothing; at worst the last batch goes out twice, and consumers are idempotent by event id.
 */
export class LogRelay {
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private readonly backoff: Backoff;
  private buffer: RecordedEvent[] = [];
  private subscription?: Subscription;
  private loop?: Promise<void>;
  private stopped = false;
  private wakePublisher = () => {};
  private wakeReader = () => {};
  private acked = 0;
  /** Waiters for an acknowledged position (whenPublished), woken at each acknowledgement. */
  private readonly publishedWaiters = new Set<() => void>();
  private enqueued = 0;
  private inFlight = false;
  private publishedCount = 0;
  private saving?: Promise<void>;
  /** The log's head when this relay started: what a start's readiness waits to see published. */
  private startHead = 0;
  /** The id of the log's first event, sent with every event: consumers tell logs apart by it (AppliedWatermarks). */
  private origin?: string;
  /** The loop that tries the lock while standing by, and watches it once leading. */
  private standingBy?: Promise<void>;
  private wakeStandby = () => {};
  /** The lock while this relay may publish; undefined while another process's relay publishes (with `leadership`). */
  private lease?: Leadership;

  constructor(
    private readonly store: EventStore,
    private readonly publisher: EventPublisher,
    private readonly topic: string,
    private readonly checkpoints: CheckpointStore,
    private readonly name: string,
    private readonly options: LogRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.maxBuffered = options.maxBuffered ?? this.batchSize * 4;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  /**
   * Position of the last event the broker acknowledged (the checkpoint may trail it briefly); on a
   * relay standing by, the publishing one's checkpoint, as last read.
   */
  get publishedUpTo(): number {
    return this.acked;
  }

  /**
   * Whether a publish call is under way. In the embedded start the bus resolves a publish once every
   * handler is done, so while this is false every event up to `publishedUpTo` is fully applied
   * (the embedded snapshot waits for such a moment).
   */
  get publishing(): boolean {
    return this.inFlight;
  }

  /** Events acknowledged since this relay started (a start that resumes from a saved position publishes the tail only). */
  get published(): number {
    return this.publishedCount;
  }

  /**
   * Resolves true once the event at `position` is acknowledged (embedded: handled by every consumer
   * of the bus), false at `deadline` (epoch ms) or when the relay stops first.
   */
  async whenPublished(position: number, deadline: number): Promise<boolean> {
    while (this.acked < position && !this.stopped) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let wake = () => {};
      const woken = new Promise<void>((resolve) => (wake = resolve));
      this.publishedWaiters.add(wake);
      // Standing by, the publishing relay's checkpoint is read again soon rather than at the next
      // standbyMs: a command answered through this instance waits for its events to be published.
      const standingBy = this.options.leadership !== undefined && this.lease === undefined;
      if (standingBy) this.wakeStandby();
      const timer = setTimeout(wake, standingBy ? Math.min(left, STANDBY_WAIT_READ_MS) : left);
      await woken;
      clearTimeout(timer);
      this.publishedWaiters.delete(wake);
    }
    return this.acked >= position;
  }

  /**
   * Throws until every event the log held when this relay started is acknowledged (in the embedded
   * start: handled by every consumer of the bus), and never again after: later events are lag, not a start.
   */
  assertPublishedStart(): void {
    if (this.acked < this.startHead) throw new Error(`publishing the log as it stood at start (at ${this.acked} of ${this.startHead})`);
  }

  /** Whether this relay publishes (false while another process's relay does: see `leadership`). */
  get leading(): boolean {
    return this.loop !== undefined && (!this.options.leadership || this.lease !== undefined);
  }

  async start(): Promise<void> {
    if (!this.options.leadership) return this.lead();
    // The first try at once: a single instance publishes from its start, as without the option.
    this.lease = await this.options.leadership();
    if (this.lease) await this.lead();
    else this.acked = await this.checkpoints.load(this.name);
    this.standingBy = this.watch();
  }

  private async lead(): Promise<void> {
    this.acked = this.enqueued = await this.checkpoints.load(this.name);
    this.startHead = await this.store.headPosition();
    this.follow();
    this.loop = this.publishLoop();
  }

  /**
   * Every `standbyMs`: without the lock, tries it (the publishing process stopped, or lost its
   * connection) and meanwhile reads the checkpoint, so that a wait for a position (whenPublished)
   * is answered here as well; with it, checks it is still held. A relay that lost it (its
   * connection to the database was lost, and another relay may have taken it) stops publishing
   * until it takes it again, and then goes on after the newest checkpoint.
   */
  private async watch(): Promise<void> {
    while (!this.stopped) {
      await new Promise<void>((resolve) => {
        this.wakeStandby = resolve;
        setTimeout(resolve, this.options.standbyMs ?? 250).unref();
      });
      if (this.stopped) return;
      try {
        if (this.lease?.held()) continue;
        this.lease = await this.options.leadership!();
        if (this.lease && this.stopped) return void (await this.lease.release());
        if (!this.lease) this.acknowledged(await this.checkpoints.load(this.name));
        else if (!this.loop) await this.lead();
        else this.resume(await this.checkpoints.load(this.name));
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  }

  /** The lock taken again: what another relay published meanwhile is not published again. */
  private resume(checkpoint: number): void {
    this.acknowledged(checkpoint);
    this.buffer = this.buffer.filter((event) => event.position > this.acked);
    this.wakeReader();
    this.wakePublisher();
  }

  private acknowledged(position: number): void {
    if (position <= this.acked) return;
    this.acked = position;
    for (const wake of this.publishedWaiters) wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakePublisher();
    this.wakeReader();
    this.wakeStandby();
    for (const wake of this.publishedWaiters) wake();
    await this.standingBy;
    await this.subscription?.stop();
    await this.loop;
    while (this.saving) await this.saving;
    await this.lease?.release().catch((error: unknown) => this.options.onError?.(error));
  }

  /** Reads the log into the buffer; if reading fails (database away), starts again after the last buffered event. */
  private follow(): void {
    if (this.stopped) return;
    const subscription = this.store.subscribe(this.enqueued, (event) => this.enqueue(event), { batchSize: this.batchSize, pollMs: this.options.pollMs });
    this.subscription = subscription;
    subscription.done.catch(async (error) => {
      if (this.stopped) return;
      this.options.onError?.(error);
      await pause(this.backoff.maxMs);
      if (this.subscription === subscription) this.follow();
    });
  }

  private async enqueue(event: RecordedEvent): Promise<void> {
    while (this.buffer.length >= this.maxBuffered && !this.stopped) {
      await new Promise<void>((resolve) => (this.wakeReader = resolve));
    }
    if (this.stopped) throw new Error('relay stopped'); // ends the subscription without reading on
    this.buffer.push(event);
    this.enqueued = event.position;
    this.wakePublisher();
  }

  private async publishLoop(): Promise<void> {
    while (!this.stopped) {
      if (this.buffer.length === 0 || (this.options.leadership && !this.lease)) {
        await new Promise<void>((resolve) => (this.wakePublisher = resolve));
        continue;
      }
      // The same batch is retried until acknowledged: the idempotent producer may then drop the repeat.
      const batch = this.buffer.slice(0, this.batchSize);
      await this.publishUntilAcked(batch);
      if (this.stopped && this.acked < batch[batch.length - 1].position) return;
      this.buffer = this.buffer.slice(batch.length);
      this.wakeReader();
    }
  }

  private async publishUntilAcked(batch: RecordedEvent[]): Promise<void> {
    for (let attempt = 1; !this.stopped || attempt === 1; attempt++) {
      try {
        this.inFlight = true;
        this.origin ??= (await this.store.readAll(0, 1))[0]?.eventId;
        await this.publisher.publish(this.topic, batch, this.origin);
        this.acknowledged(batch[batch.length - 1].position);
        this.publishedCount += batch.length;
        this.saveCheckpoint();
        return;
      } catch (error) {
        this.options.onError?.(error);
        if (this.stopped) return;
        await pause(backoffDelay(this.backoff, attempt));
      } finally {
        this.inFlight = false;
      }
    }
  }

  /** One save in flight at a time, always of the newest acknowledged position: publishing never waits for it. */
  private saveCheckpoint(): void {
    if (this.saving) return;
    const position = this.acked;
    this.saving = this.checkpoints
      .save(this.name, position)
      .catch((error) => this.options.onError?.(error))
      .finally(() => {
        this.saving = undefined;
        if (this.acked > position) this.saveCheckpoint();
      });
  }
}
