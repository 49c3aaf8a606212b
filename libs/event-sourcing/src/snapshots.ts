import { COST_TIMES, CostPacing } from './cost-pacing';

/**
 * A view folded from a log, saved with the position it was folded to, so that a start resumes
 * from there instead of replaying the log from its first event. The view's name carries the
 * version of its shape (`personnel-directory@1`): a view whose shape changes gets a new name, and
 * its old snapshots are simply never read.
 */
export interface Snapshot<T = unknown> {
  /** The position (in the log the view follows) of the last event the state includes. */
  position: number;
  state: T;
}

/** Where snapshots are kept: beside the service's own log (SqlSnapshotStore). */
export interface SnapshotStore {
  load(name: string): Promise<Snapshot | undefined>;
  /** Never moves a snapshot back: an older position than the stored one changes nothing. */
  save(name: string, snapshot: Snapshot): Promise<void>;
}

/** How a view's state becomes JSON and back (Maps and Sets have no JSON form of their own). */
export interface SnapshotCodec<S> {
  encode(state: S): unknown;
  decode(json: unknown): S;
}

export interface SnapshotPolicy {
  /** At least this many events between two snapshots … */
  everyEvents: number;
  /** … and at least this long (ms): a snapshot costs the size of the view, so it is taken rarely. */
  everyMs: number;
  /**
   * … and at least this many times as long as the last snapshot took (encoded and saved): its
   * cost grows with the view (CostPacing).
   */
  costTimes?: number;
}

const DEFAULT_POLICY: SnapshotPolicy = { everyEvents: 1000, everyMs: 10_000, costTimes: COST_TIMES };

/**
 * A view's snapshots: `restore` on start, `applied` after each event (takes a snapshot now and then,
 * encoded at once so that it is the state at that position, saved in the background, one at a
 * time), `flush` on shutdown. Without a store (EventStoreDB) it does nothing and the view replays.
 */
export class Snapshots<S> {
  private sinceEvents = 0;
  private lastAt = Date.now();
  private saving: Promise<void> = Promise.resolve();
  private lastSaved = -1;
  private readonly pacing: CostPacing;

  constructor(
    private readonly store: SnapshotStore | undefined,
    private readonly name: string,
    private readonly codec: SnapshotCodec<S>,
    private readonly policy: SnapshotPolicy = DEFAULT_POLICY,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {
    this.pacing = new CostPacing(policy.costTimes ?? 0);
  }

  async restore(): Promise<Snapshot<S> | undefined> {
    const found = await this.store?.load(this.name);
    if (!found) return undefined;
    this.lastSaved = found.position;
    return { position: found.position, state: this.codec.decode(found.state) };
  }

  /** After the view applied `count` events up to `position`: a snapshot when enough events and time have passed. */
  applied(position: number, state: S, count = 1): void {
    this.sinceEvents += count;
    if (!this.store || this.sinceEvents < this.policy.everyEvents || Date.now() - this.lastAt < this.policy.everyMs || !this.pacing.due) return;
    this.take(position, state);
  }

  /** The last snapshot, on shutdown: the next start replays nothing that this process applied. */
  async flush(position: number, state: S): Promise<void> {
    if (this.store && position > this.lastSaved) this.take(position, state);
    await this.saving;
  }

  private take(position: number, state: S) {
    const started = performance.now();
    const snapshot = { position, state: this.codec.encode(state) };
    const encodeMs = performance.now() - started;
    this.sinceEvents = 0;
    this.lastAt = Date.now();
    this.lastSaved = position;
    this.saving = this.saving
      .then(async () => {
        const saveStarted = performance.now();
        await this.store!.save(this.name, snapshot);
        this.pacing.ran(started, encodeMs + performance.now() - saveStarted);
      })
      .catch((error: Error) => this.onError(error));
  }
}
