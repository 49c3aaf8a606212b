import { EventEmitter } from 'node:events';
import { EventStore, ReadAllOptions, RecordedEvent } from '@register/event-sourcing';
import { Batch, DocumentCache } from './batch';
import { liveTarget, Target } from './naming';
import { operationsOf } from './handle';
import { heapPassed } from './heap-budget';
import { InitialLoad, privateWorkingSet } from './initial-load';
import { leaseOwner } from './lease';
import { AnyProjection, Operation, ProjectionReader } from './projection';
import { ReadStore } from './read-store';
import { MemoryReadStore } from './stores/memory-read-store';
import { LeaseLost, ProjectionState, ProjectionStates } from './state';
import { CopyWriter, versionMismatch } from './writer';

/** What a runner reads: a service's log (an EventStore, or any source with the same paging and subscription). */
export type EventSource = Pick<EventStore, 'readAll' | 'subscribe' | 'headPosition' | 'readPages'>;

export interface RunnerOptions {
  /** Which copy to write: the live one (default) or a rebuild's shadow. */
  target?: Target;
  /** Lease owner; stable per process (default: leaseOwner(), the instance name or host and pid). */
  owner?: string;
  leaseMs?: number;
  /** Events per read of the log. */
  pageSize?: number;
  /** A batch is written when it holds this many events... */
  maxBatchEvents?: number;
  /** ...or touches this many documents (bounds the journal and one round's bulk writes). */
  maxBatchDocuments?: number;
  /**
   * Documents kept in memory across batches as they stand after the batches written so far, so that
   * handlers' reads of them need neither the store nor the write in flight (default 100 000, none on the memory store; 0: none).
   */
  cacheDocuments?: number;
  /**
   * A copy built from nothing folds the log into documents in memory and inserts each once
   * (initial-load.ts), writing out what it holds whenever it holds this many (default 500 000;
   * unbounded on the memory store, where the documents are built in place; false: batches from the start).
   */
  initialLoad?: number | false;
  /**
   * ...or once V8's heap in use passes this share of its limit (heap-budget.ts; default 0.5; not on
   * the memory store, whose documents are the store itself).
   */
  initialLoadHeapShare?: number;
  /** Wait after a failure before starting again from the checkpoint. */
  retryMs?: number;
  /** How often a standby runner tries to take the lease over. */
  claimEveryMs?: number;
  /** Upper bound on the live wait for new events when the log cannot notify (PGlite in another instance). */
  pollMs?: number;
  /** The stored copy was written by another version of the projection; default: fail until rebuilt. */
  onVersionChange?: (runner: ProjectionRunner, stored: ProjectionState) => Promise<void>;
  onProgress?: (progress: { position: number; events: number }) => void;
  logger?: Pick<Console, 'log' | 'warn' | 'error'>;
}

export type RunnerStatus = 'idle' | 'standby' | 'catching-up' | 'live' | 'failed' | 'stopped';

/** Documents a load holds after a spill before the heap's budget is asked again (see loadInitial). */
const HEAP_RECHECK_FLOOR = 10_000;

/** A log shorter than this many pages is read on this thread: a worker's start would cost more than it saves. */
const READ_AHEAD_PAGES = 20;

const DEFAULTS = { initialLoadHeapShare: 0.5, leaseMs: 30_000, pageSize: 1000, maxBatchEvents: 50_000, maxBatchDocuments: 5_000, retryMs: 1000, claimEveryMs: 2000, pollMs: 200 };

/**
 * Runs one projection from its checkpoint: catches up by pages (reading the next page while it
 * processes one, writing a batch while it builds the next), then follows the log live. One runner
 * writes a copy at a time (CopyWriter's lease); a runner that cannot take it stands by and serves
 * `waitFor` from the stored checkpoint. A failure (store away, handler error) is logged and the
 * runner starts again from the checkpoint after `retryMs`.
 */
export class ProjectionRunner {
  readonly target: Target;
  readonly writer: CopyWriter;
  private readonly states: ProjectionStates;
  private readonly options: typeof DEFAULTS & RunnerOptions;
  private readonly changes = new EventEmitter().setMaxListeners(0);
  private status_: RunnerStatus = 'idle';
  private position_ = 0;
  private events_ = 0;
  private caughtUp = false;
  private lastError?: Error;
  private stopping = false;
  private interrupted?: 'lost' | 'asked';
  private writing: Promise<void> = Promise.resolve();
  /** Valid from a `prepare` on, while this runner writes (see DocumentCache). */
  private cache = new DocumentCache(0);
  private reader?: { batch: Batch; reader: ProjectionReader };
  private loop?: Promise<void>;
  private wake?: () => void;
  /** What its catch-up reads: the types it handles (ReadAllOptions), the log's others passed over where the store can. */
  private readonly reading: ReadAllOptions;

  constructor(
    readonly source: EventSource,
    readonly store: ReadStore,
    readonly projection: AnyProjection,
    options: RunnerOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.target = options.target ?? liveTarget(projection);
    const owner = options.owner ?? leaseOwner();
    this.writer = new CopyWriter(store, projection, this.target, { owner, leaseMs: this.options.leaseMs, onInterrupt: (r) => this.interrupt(r), logger: this.options.logger });
    this.states = this.writer.states;
    this.reading = { types: Object.keys(projection.handlers).filter((type) => projection.handlerFor(type) !== undefined) };
  }

  get position(): number {
    return this.position_;
  }
  get status(): RunnerStatus {
    return this.status_;
  }
  /** Events read so far by this runner (for progress and benchmarks). */
  get events(): number {
    return this.events_;
  }
  get error(): Error | undefined {
    return this.lastError;
  }

  /** Runs in the background until `stop`: takes the lease (or stands by), recovers, catches up, follows. */
  start(): void {
    this.stopping = false;
    this.loop ??= this.run().finally(() => (this.loop = undefined));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.setStatus('stopped');
  }

  /** Catches up to the head of the log (or `until`) once, holding the lease, then lets it go (unless `keepLease`). */
  async runOnce(until?: number, keepLease = false): Promise<{ position: number; events: number }> {
    if (!(await this.writer.acquire())) throw new LeaseLost(this.target.state, this.writer.owner);
    try {
      await this.prepare();
      this.setStatus('catching-up');
      await this.catchUp(until);
      return { position: this.position_, events: this.events_ };
    } finally {
      await this.writing.catch(() => undefined);
      if (keepLease) this.writer.pause();
      else await this.writer.release();
      this.setStatus('idle');
    }
  }

  /**
   * Resolves true once the copy has applied every event up to `minPosition` (api.md's minPosition),
   * false after `timeoutMs`. A standby runner watches the stored checkpoint of the active one.
   */
  async waitFor(minPosition: number, timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.writes()) this.setPosition(Math.max(this.position_, (await this.states.load(this.target.state))?.position ?? 0));
      if (this.position_ >= minPosition) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.nextPosition(this.writes() ? left : Math.min(left, 100));
    }
  }

  /**
   * Throws unless the copy can serve reads: caught up once, or written by another process that has
   * saved a checkpoint (a copy at 0 over a log with events is being built from nothing: its spills
   * are a copy in the making); not failed.
   */
  async assertReady(): Promise<void> {
    if (this.status_ === 'failed') throw this.lastError ?? new Error('failed');
    if (this.status_ === 'standby') return this.assertBuiltElsewhere();
    if (!this.caughtUp) throw new Error(`${this.projection.name} is catching up (at ${this.position_})`);
  }

  private async assertBuiltElsewhere(): Promise<void> {
    const state = await this.states.load(this.target.state);
    // a live batch saves its highWater before its writes; an initial load saves nothing until its end
    if (state?.position || state?.highWater) return;
    if ((await this.source.headPosition()) > 0) throw new Error(`${this.projection.name} is being built by another process (its checkpoint is at 0)`);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.interrupted = undefined;
      this.writing = Promise.resolve();
      try {
        if (!(await this.writer.acquire())) {
          this.setStatus('standby');
          await this.pause(this.options.claimEveryMs);
          continue;
        }
        await this.prepare();
        this.setStatus('catching-up');
        await this.catchUp();
        if (this.interrupted || this.stopping) continue;
        this.caughtUp = true;
        this.setStatus('live');
        await this.follow();
      } catch (error) {
        if (this.stopping || error instanceof LeaseLost) continue;
        this.lastError = error as Error;
        this.setStatus('failed');
        this.options.logger?.error(`read model ${this.target.state}: ${(error as Error).stack ?? error}`);
        await this.pause(this.options.retryMs);
      } finally {
        await this.writing.catch(() => undefined);
        if (this.stopping || this.interrupted) await this.writer.release();
        else this.writer.pause();
      }
      if (this.interrupted === 'asked') await this.pause(this.options.claimEveryMs);
    }
  }

  /** Makes the copy consistent (CopyWriter.prepare), handles a version change, and sets the start position. */
  private async prepare(): Promise<void> {
    this.cache = new DocumentCache(0); // whatever was known is void until the copy is consistent again
    let state = await this.writer.prepare();
    while (state.version !== this.projection.version) {
      if (!this.options.onVersionChange) throw versionMismatch(this.projection, state);
      await this.options.onVersionChange(this, state);
      state = await this.writer.prepare();
    }
    this.setPosition(state.position);
    // at checkpoint 0 the copy is empty (prepare's invariant): the cache knows every document
    this.cache = new DocumentCache(this.cacheSize(), state.position === 0);
  }

  /**
   * Reads pages (the next one while this one is processed) and writes a batch while the next is
   * built, up to `until` or the head as it stands first. The pages hold the projection's types only
   * where the store can filter: the last one read may end before that end, to which the position
   * then moves (every event before it is visible once it is: ReadAllOptions).
   */
  private async catchUp(until?: number): Promise<void> {
    const end = until ?? (await this.source.headPosition());
    if (this.position_ === 0 && this.options.initialLoad !== false && (await this.loadInitial(end))) return;
    const { pageSize } = this.options;
    let batch = this.newBatch(this.position_);
    let next = this.source.readAll(this.position_, pageSize, this.reading);
    try {
      for (;;) {
        const page = await next;
        const more = page.length === pageSize && page[page.length - 1].position < end;
        if (more) next = this.source.readAll(page[page.length - 1].position, pageSize, this.reading);
        for (const event of page) {
          if (event.position > end) break;
          const pending = this.process(batch, event);
          if (pending) await pending;
        }
        if (!more) batch.passTo(end);
        this.options.onProgress?.({ position: batch.lastPos, events: this.events_ });
        if (!more || batch.full) batch = await this.handOver(batch);
        if (!more || this.interrupted || this.stopping) break;
      }
    } finally {
      next.catch(() => undefined);
    }
    await this.writing;
  }

  /**
   * From checkpoint 0 (an empty copy): folds pages into an InitialLoad up to `until`, written out
   * whenever it holds too many documents or the heap passes its budget (a spill), then saves it.
   * True: nothing is left to catch up (or the run was stopped).
   */
  private async loadInitial(until: number): Promise<boolean> {
    const memory = this.store instanceof MemoryReadStore ? this.store : undefined;
    const workingSet = memory ? (c: string) => memory.documentsOf(this.target.collection(c)) : privateWorkingSet();
    const bound = memory ? Infinity : ((this.options.initialLoad as number | undefined) ?? 500_000);
    const load = new InitialLoad(this.projection, workingSet, bound, memory ? undefined : this.writer.spillTarget());
    let heapCheckFrom = 0;
    for await (const page of await this.pagesFrom(0, until)) {
      this.events_ += await load.fold(page);
      this.options.onProgress?.({ position: load.lastPos, events: this.events_ });
      if (this.interrupted || this.stopping) return true; // unsaved: the copy stays at 0, and is emptied before its next use
      if (memory) continue;
      // a store whose documents live in this heap (the memory store wrapped) frees nothing by a spill
      const overBudget = !load.full && this.store.kind !== 'memory' && load.size >= heapCheckFrom && heapPassed(this.options.initialLoadHeapShare);
      if (!load.full && !overBudget) continue;
      const why = load.full ? `${bound} documents held` : `heap in use past ${this.options.initialLoadHeapShare} of its limit`;
      this.options.logger?.log(`read model ${this.target.state}: initial load writes out its ${load.size} documents at position ${load.lastPos} (${why}) and goes on`);
      // What was spilled is garbage until the next collection: the heap is asked again once the load
      // holds a quarter of it, and never for fewer than a floor's worth, so that a heap kept past the
      // budget by something else cannot shrink the spills to a page each.
      heapCheckFrom = Math.max(Math.ceil(load.size / 4), Math.min(bound, HEAP_RECHECK_FLOOR));
      await load.spill();
    }
    load.passTo(until); // the pages may have held the projection's types only (see catchUp)
    await this.writer.writeInitial(load, memory !== undefined);
    // the load is done with the memory store's maps: its indexes can be built on them
    if (memory) for (const c of Object.keys(this.projection.collections)) memory.loaded(this.target.collection(c));
    this.setPosition(load.lastPos);
    // what follows (batches, or the live follow) starts from what the load wrote, not from the empty copy
    this.cache = knowing(load, this.cacheSize());
    return true;
  }

  /**
   * The log after `after` up to `until`, in pages: read ahead on another thread when the source can
   * and the log is long enough to be worth a thread; else each page read while the last is processed.
   */
  private async pagesFrom(after: number, until: number): Promise<AsyncIterable<RecordedEvent[]>> {
    const { pageSize } = this.options;
    if (this.source.readPages && until - after > pageSize * READ_AHEAD_PAGES) return this.source.readPages(after, pageSize, until, this.reading);
    return prefetched(this.source, after, pageSize, until, this.reading);
  }

  /**
   * Follows the log live; a burst is written as it arrives, a lone event at once. What arrives while
   * a batch is being written waits for that write and goes out with it as one batch (a batch costs
   * round trips besides its documents: written one event at a time, a tail faster than that fell
   * behind for good).
   */
  private async follow(): Promise<void> {
    let batch = this.newBatch(this.position_);
    let busy = false;
    let scheduled = false;
    let inFlight = false;
    let failure: unknown;
    const ended = new Promise<void>((resolve) => (this.wake = resolve));
    const fail = (error: unknown) => {
      failure ??= error;
      this.wake?.();
    };
    const take = () => {
      const taken = batch;
      batch = this.newBatch(taken.lastPos);
      return taken;
    };
    const inTurn = (step: Promise<void>) => {
      inFlight = true;
      step.then(() => {
        inFlight = false;
        flush();
      }, fail);
    };
    /**
     * Hands the batch over unless an event is being applied to it or a write is in flight (whose end
     * flushes again). A batch's checkpoint is saved with the next batch's journal while events keep
     * coming (one round trip less each), and on its own once they stop.
     */
    const flush = () => {
      if (busy || inFlight || failure) return;
      if (batch.events > 0) inTurn(this.enqueue(take(), true));
      else if (!this.writer.committed) inTurn(this.commitDeferred());
    };
    const subscription = this.source.subscribe(
      this.position_,
      async (event) => {
        if (failure) throw failure;
        busy = true;
        try {
          const pending = this.process(batch, event);
          if (pending) await pending;
        } finally {
          busy = false;
        }
        // a full batch waits for the write in flight, whose end hands it over: one batch built, one written
        if (batch.full && inFlight) await this.writing;
        if (batch.full) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            flush();
          });
        }
      },
      { batchSize: this.options.pageSize, pollMs: this.options.pollMs, types: this.reading.types },
    );
    subscription.done.then(() => undefined, fail);
    if (this.stopping || this.interrupted) this.wake?.();
    await ended;
    await subscription.stop();
    await this.writing;
    if (failure) throw failure;
    await this.commitDeferred();
  }

  /** Applies one event's operations to the batch; a promise only when the handler (or a read) returned one. */
  private process(batch: Batch, event: RecordedEvent): Promise<void> | undefined {
    // At-least-once sources (a redelivery, an overlapping page) may hand an event over again: it is
    // already in the batch or behind the checkpoint, and applying it twice would count it twice.
    if (event.position <= batch.lastPos) return undefined;
    this.events_++;
    const ops = operationsOf(this.projection, event, this.readerFor(batch));
    const add = (folded: readonly Operation[] = []) => {
      for (const operation of folded) batch.add(operation, event.position);
      batch.advance(event.position);
    };
    if (ops && !Array.isArray(ops)) return (ops as Promise<readonly Operation[]>).then(add);
    add(ops as readonly Operation[] | undefined);
    return undefined;
  }

  private readerFor(batch: Batch): ProjectionReader {
    if (this.reader?.batch === batch) return this.reader.reader;
    const reader: ProjectionReader = {
      read: (collection, id) => {
        if (!Object.hasOwn(this.projection.collections, collection)) return Promise.reject(new Error(`unknown collection ${collection}`));
        const known = batch.known(collection, id); // in the batch, or in the cache
        if (known) return Promise.resolve(known[0]);
        return this.writing // the documents must be as of the batch's start
          .then(() => this.store.findOne(this.target.collection(collection), { _id: id }))
          .then((doc) => batch.loaded(collection, id, doc));
      },
    };
    this.reader = { batch, reader };
    return reader;
  }

  /** The memory store's reads cost a copy, no more: there the cache only adds to the heap (1M-event rebuild 57 s without, 95 s with). */
  private cacheSize(): number {
    return this.options.cacheDocuments ?? (this.store.kind === 'memory' ? 0 : 100_000);
  }

  private newBatch(from: number): Batch {
    return new Batch(from, { maxEvents: this.options.maxBatchEvents, maxDocuments: this.options.maxBatchDocuments }, this.target.collection, this.cache);
  }

  /** Queues the batch's write behind the one in flight (at most one), and starts a new batch. */
  private async handOver(batch: Batch): Promise<Batch> {
    await this.writing;
    this.enqueue(batch).catch(() => undefined); // its failure surfaces through `writing`
    return this.newBatch(batch.lastPos);
  }

  private enqueue(batch: Batch, deferCommit = false): Promise<void> {
    batch.handOver(); // complete: the cache now stands after it
    this.writing = this.writing.then(async () => {
      await this.writer.write(batch, deferCommit);
      this.setPosition(batch.lastPos); // the documents are written: reads here may see them
    });
    return this.writing;
  }

  private commitDeferred(): Promise<void> {
    this.writing = this.writing.then(() => this.writer.commit());
    return this.writing;
  }

  private writes(): boolean {
    return this.status_ === 'catching-up' || this.status_ === 'live';
  }

  private nextPosition(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.changes.off('position', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.changes.on('position', done);
    });
  }

  private setPosition(position: number) {
    if (position === this.position_) return;
    this.position_ = position;
    this.changes.emit('position', position);
  }

  private setStatus(status: RunnerStatus) {
    this.status_ = status;
    if (status === 'live' || status === 'catching-up') this.lastError = undefined;
  }

  private interrupt(reason: 'lost' | 'asked') {
    this.interrupted = reason;
    this.wake?.();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Pages of `source` after `after` up to `until`, the next one read while the caller works on this one. */
async function* prefetched(source: EventSource, after: number, pageSize: number, until: number, options: ReadAllOptions): AsyncGenerator<RecordedEvent[]> {
  let next = source.readAll(after, pageSize, options);
  try {
    for (;;) {
      const page = await next;
      const more = page.length === pageSize && page[page.length - 1].position < until;
      if (more) next = source.readAll(page[page.length - 1].position, pageSize, options);
      yield more ? page : page.filter((e) => e.position <= until);
      if (!more) return;
    }
  } finally {
    next.catch(() => undefined);
  }
}

/** A cache of the documents an initial load holds at its end: all it wrote (complete) unless it spilled or they outnumber its bound. */
function knowing(load: InitialLoad, size: number): DocumentCache {
  const cache = new DocumentCache(size, load.spills === 0);
  for (const [collection, docs] of load.collections()) for (const [id, doc] of docs) cache.set(collection, id, doc);
  return cache;
}
