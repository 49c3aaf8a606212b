import { Decider, Evolver, foldRecorded } from './decider';
import { DomainEvent, RecordedEvent } from './envelope';
import { EventStore } from './event-store';
import { CommandContext, CommandHandler, CommandResult } from './command-handler';
import { Snapshots } from './snapshots';

/**
 * One long-lived aggregate kept folded in memory: used where a single stream is the consistency
 * boundary of many entities (the union's structure) and reloading it per command would be wasteful.
 * Commands run one at a time in this process; each first catches up with the stream, so a writer in
 * another process is seen, and the append's expected revision settles any race between processes.
 */
export class LiveAggregate<E extends DomainEvent, S> {
  private state: S;
  private revision = -1;
  private queue: Promise<unknown> = Promise.resolve();
  /** A catch-up for readers, queued and not yet started: readers who arrive meanwhile share it. */
  private pendingRead?: Promise<void>;
  /** With a store that tells when its log moved: whether it may have since the last catch-up. */
  private stale = true;
  private caughtUpAt = 0;
  private readonly watched: boolean;
  private readonly handler: CommandHandler;

  constructor(
    private readonly store: EventStore,
    readonly streamId: string,
    /** The aggregate's state and evolve; each command brings its capability's decisions. */
    private readonly aggregate: Evolver<E, S>,
    handler?: CommandHandler,
    private readonly maxRetries = 5,
    /** Even unwarned (a lost LISTEN connection), readers catch up at least this often. */
    private readonly maxStaleMs = 1000,
    /** The fold's snapshots (by stream revision): a start folds only what came after the last one. */
    private readonly snapshots?: Snapshots<S>,
  ) {
    this.state = aggregate.initialState();
    this.handler = handler ?? new CommandHandler(store);
    const stop = store.watch?.(() => (this.stale = true));
    this.watched = stop !== undefined;
  }

  /** Runs the command, decided by its capability's decider, after every command queued before it. */
  execute<C>(decider: Pick<Decider<C, E, S>, 'decide'>, command: C, context: CommandContext): Promise<CommandResult> {
    const run = this.queue.then(() => this.executeNow(decider, command, context));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The current state, caught up with the log; read it, never change it. Concurrent readers share
   * one catch-up that starts after they asked (so each sees what was committed before it asked),
   * instead of queueing one round trip each: reads would otherwise serialise on the store.
   */
  async current(): Promise<{ state: S; revision: number }> {
    if (this.watched && !this.stale && Date.now() - this.caughtUpAt < this.maxStaleMs) return { state: this.state, revision: this.revision };
    if (!this.pendingRead) {
      const read = this.queue.then(() => {
        this.pendingRead = undefined;
        return this.catchUp();
      });
      this.pendingRead = read;
      // A failed catch-up fails its readers, not the commands and reads queued after it.
      this.queue = read.catch(() => undefined);
    }
    await this.pendingRead;
    return { state: this.state, revision: this.revision };
  }

  /** The state as a decider folds an arbitrary selection of past events (for `asOf` reads). */
  foldFrom(events: readonly RecordedEvent[]): S {
    return foldRecorded(this.aggregate, events);
  }

  /** The kernel's one command path, on the state kept here: caught up before deciding and after appending. */
  private executeNow<C>(decider: Pick<Decider<C, E, S>, 'decide'>, command: C, context: CommandContext): Promise<CommandResult> {
    return this.handler.run({ ...this.aggregate, decide: decider.decide }, this.streamId, command, context, this.source, this.maxRetries);
  }

  private readonly source = {
    load: async () => {
      await this.catchUp();
      return { state: this.state, revision: this.revision };
    },
    appended: () => this.catchUp(),
  };

  /** The last snapshot of the fold, when there is one; the fold goes on from its revision. */
  private restoring?: Promise<void>;

  /** Saves the fold as it stands (on shutdown), so that the next start folds nothing this one did. */
  async flush(): Promise<void> {
    await this.queue;
    if (this.revision >= 0) await this.snapshots?.flush(this.revision, this.state);
  }

  private async catchUp() {
    // A failed restore (the database away) is tried again by the next catch-up.
    this.restoring ??= this.restore().catch((error: Error) => {
      this.restoring = undefined;
      throw error;
    });
    await this.restoring;
    // Cleared before the read: a notice that arrives during it marks the state stale again.
    this.stale = false;
    const started = Date.now();
    let events: RecordedEvent[];
    try {
      events = await this.store.readStream(this.streamId, { fromRevision: this.revision + 1 });
    } catch (error) {
      this.stale = true;
      throw error;
    }
    if (events.length > 0) {
      this.state = foldRecorded(this.aggregate, events, this.state);
      this.revision = events[events.length - 1].revision;
      this.snapshots?.applied(this.revision, this.state, events.length);
    }
    this.caughtUpAt = started;
  }

  private async restore() {
    const snapshot = await this.snapshots?.restore();
    if (!snapshot || snapshot.position <= this.revision) return;
    // A snapshot ahead of the stream (a log restored from an older backup) is not the fold of this log.
    const [at] = await this.store.readStream(this.streamId, { fromRevision: snapshot.position, toRevision: snapshot.position });
    if (!at) return;
    this.state = snapshot.state;
    this.revision = snapshot.position;
  }
}
