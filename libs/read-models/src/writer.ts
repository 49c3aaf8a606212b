import { setTimeout as sleep } from 'node:timers/promises';
import { Batch } from './batch';
import { Doc, POS } from './document';
import { InitialLoad, SpillTarget } from './initial-load';
import { Lease, nudgeHolders } from './lease';
import { shadowTarget, Target } from './naming';
import { AnyProjection, ProjectionError } from './projection';
import { ReadStore, Round, WriteOp } from './read-store';
import { LeaseLost, ProjectionState, ProjectionStates } from './state';

/** Documents an initial load writes between two checks of its lease. */
const SPILL_PART = 10_000;

export interface CopyWriterOptions {
  owner: string;
  leaseMs: number;
  onInterrupt?: (reason: 'lost' | 'asked') => void;
  logger?: Pick<Console, 'warn'>;
}

/**
 * Writes one copy of a projection (live or shadow) while holding its lease. The protocol that
 * makes a batch crash-safe without transactions:
 *   1. journal: the batch's planned writes, then `pending: {to, chunks}` in the state document
 *      (a small journal in `pending` itself, as `text`: one save for both);
 *   2. the writes, round by round (bulk, unordered: one write per document per round);
 *   3. `position: to`, pending removed (following live, saved with the next batch's step 1).
 * A writer that takes over first replays a pending journal with the guard (each write skipped
 * where the document's `_pos` shows it applied). So once `prepare` has run, the documents are
 * exactly "every event up to the checkpoint": handlers' reads and merged writes rely on that.
 */
export class CopyWriter {
  readonly states: ProjectionStates;
  private readonly lease: Lease;
  private highWater = 0;
  /** The end of the last batch written with `defer` whose checkpoint is not saved yet. */
  private uncommitted: number | undefined;

  constructor(
    readonly store: ReadStore,
    readonly projection: AnyProjection,
    readonly target: Target,
    private readonly options: CopyWriterOptions,
  ) {
    this.states = new ProjectionStates(store);
    this.lease = new Lease(this.states, target.state, { owner: options.owner, ttlMs: options.leaseMs, version: projection.version, onInterrupt: options.onInterrupt });
  }

  get owner(): string {
    return this.options.owner;
  }

  acquire(): Promise<boolean> {
    return this.lease.acquire();
  }

  /** Takes the lease from whoever holds it, asking them to step aside, within `waitMs`. */
  async takeOver(waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      await this.states.ask(this.target.state, this.owner, this.options.leaseMs * 2);
      nudgeHolders(this.target.state);
      if (await this.lease.acquire()) return;
      if (Date.now() > deadline) {
        await this.states.stopAsking(this.target.state, this.owner);
        throw new LeaseLost(this.target.state, this.owner);
      }
      await sleep(Math.min(250, this.options.leaseMs / 6));
    }
  }

  /**
   * Makes the copy consistent and says where to resume: finishes an interrupted switch-in or batch,
   * and creates collections. A copy stored by another version of the projection is refused unless
   * `anyVersion` (a rebuild holds the live copy whatever wrote it).
   */
  async prepare(anyVersion = false): Promise<ProjectionState> {
    let state = (await this.states.load(this.target.state))!;
    this.uncommitted = undefined;
    if (state.switching) state = await this.finishSwitch(state.switching);
    if (state.version !== this.projection.version && !anyVersion) {
      if (state.position > 0 || state.highWater > 0 || state.pending) return state;
      await this.lease.save({ version: this.projection.version });
      state.version = this.projection.version;
    }
    if (state.position === 0 && !state.highWater && !state.pending) {
      // Checkpoint 0 means "no event in the documents", and no batch was ever started under this
      // state (each records its highWater before writing). Documents found here are left from a
      // lost or hand-reset state document; replaying onto them would count every event twice.
      for (const name of Object.keys(this.projection.collections)) await this.store.dropCollection(this.target.collection(name));
    }
    for (const [name, spec] of Object.entries(this.projection.collections)) await this.store.ensureCollection(this.target.collection(name), spec);
    this.highWater = state.highWater ?? 0;
    if (state.pending) state.position = await this.recover(state);
    if (this.highWater > state.position) {
      this.options.logger?.warn(`read model ${this.target.state}: checkpoint ${state.position} is behind what was written (${this.highWater}); resuming there`);
      await this.lease.save({ position: (state.position = this.highWater) });
    }
    return state;
  }

  /**
   * Steps 1 to 3 above for one batch; a batch with no writes only moves the checkpoint. `defer`, for
   * a batch whose journal the store kept in the state document: step 3 waits for the next batch's
   * step 1 (one save moves the checkpoint and journals the next batch) or `commit()`; until then a
   * crash leaves this batch pending, and its replay is a no-op.
   */
  async write(batch: Batch, defer = false): Promise<void> {
    if (batch.lastPos <= batch.from) return;
    const rounds = batch.rounds();
    const highWater = Math.max(this.highWater, batch.lastPos);
    if (rounds.length > 0) {
      this.lease.assertFresh();
      const journal = await this.store.saveJournal(this.target.state, rounds);
      await this.lease.save({ ...this.takeUncommitted(), pending: { to: batch.lastPos, ...journal }, highWater });
      for (const round of rounds) await this.writeRound(round, false);
      // only a journal in the state document: the next batch's saveJournal may overwrite the journal collection's
      if (defer && journal.text !== undefined) this.uncommitted = batch.lastPos;
      else await this.lease.save({ position: batch.lastPos, highWater }, ['pending']);
    } else {
      this.uncommitted = undefined;
      await this.lease.save({ position: batch.lastPos, highWater }, ['pending']);
    }
    this.highWater = highWater;
  }

  /** Step 3 of a batch written with `defer`, if no later batch has done it. */
  async commit(): Promise<void> {
    const set = this.takeUncommitted();
    if (set.position !== undefined) await this.lease.save(set, ['pending']);
  }

  /** Whether a batch written with `defer` still waits for its step 3. */
  get committed(): boolean {
    return this.uncommitted === undefined;
  }

  private takeUncommitted(): { position?: number } {
    const position = this.uncommitted;
    this.uncommitted = undefined;
    return position === undefined ? {} : { position };
  }

  /**
   * Saves an initial load (initial-load.ts) into a copy at checkpoint 0: writes its documents
   * (none to write when they were built in the store itself), then moves the checkpoint. A crash
   * before the checkpoint leaves the copy at 0, which the next `prepare` empties.
   */
  async writeInitial(load: InitialLoad, inPlace: boolean): Promise<void> {
    if (load.lastPos === 0) return;
    if (!inPlace) await load.spill(true);
    this.highWater = Math.max(this.highWater, load.lastPos);
    await this.lease.save({ position: load.lastPos, highWater: this.highWater });
  }

  /**
   * Where an initial load writes its documents, at checkpoint 0: straight into the copy, the lease
   * checked first. What an earlier spill wrote is replaced or deleted by `_id` (unguarded: the
   * load holds the only newer state of each), the rest inserted.
   */
  spillTarget(): SpillTarget {
    return {
      read: (collection, id) => this.store.findOne(this.target.collection(collection), { _id: id }),
      write: async (collection, fresh, changed, deleted) => {
        const physical = this.target.collection(collection);
        const ops: WriteOp[] = changed.map((doc) => {
          const { _id, [POS]: pos, ...replace } = doc;
          return { _id: _id as string, pos: pos as number, replace, upsert: true };
        });
        // past every stored document's _pos (a store that checks the guard deletes it)
        for (const id of deleted) ops.push({ _id: id, pos: Number.MAX_SAFE_INTEGER, delete: true });
        // the lease checked before each part: a writer that lost it stops within one part, rather than
        // replacing documents in a copy the next owner has emptied and is loading again
        for (let i = 0; i < ops.length; i += SPILL_PART) {
          this.lease.assertFresh();
          await this.store.write(physical, ops.slice(i, i + SPILL_PART), false);
        }
        const sorted = inIdOrder(fresh);
        for (let i = 0; i < sorted.length; i += SPILL_PART) {
          this.lease.assertFresh();
          await this.store.insert(physical, sorted.slice(i, i + SPILL_PART));
        }
      },
    };
  }

  /**
   * Makes the shadow copy (caught up to `position`) the live one. This writer must hold the live
   * copy. The intent is recorded first, so that a crash halfway is finished by the next `prepare`.
   */
  async switchIn(position: number): Promise<void> {
    const switching = { position, version: this.projection.version };
    this.uncommitted = undefined; // the switch sets the checkpoint
    await this.lease.save({ switching });
    await this.finishSwitch(switching);
  }

  /** Empties the copy: drops its collections and sets its checkpoint to 0 (a rebuild's shadow, before it starts). */
  async reset(): Promise<void> {
    for (const name of Object.keys(this.projection.collections)) await this.store.dropCollection(this.target.collection(name));
    await this.lease.save({ position: 0, highWater: 0, version: this.projection.version }, ['pending', 'switching']);
    this.highWater = 0;
    this.uncommitted = undefined;
  }

  async release(): Promise<void> {
    await this.commit().catch(() => undefined); // else the next holder replays a batch already written
    await this.lease.release();
    await this.states.stopAsking(this.target.state, this.owner).catch(() => undefined);
  }

  /** Keeps the lease but stops renewing it (a retry follows shortly). */
  pause(): void {
    this.lease.stopTimer();
  }

  private async finishSwitch(switching: NonNullable<ProjectionState['switching']>): Promise<ProjectionState> {
    const shadow = shadowTarget(this.projection);
    const existing = new Set(await this.store.listCollections());
    for (const name of Object.keys(this.projection.collections)) {
      if (existing.has(shadow.collection(name))) await this.store.renameCollection(shadow.collection(name), this.target.collection(name));
    }
    const { position, version } = switching;
    await this.lease.save({ position, highWater: position, version }, ['switching', 'pending']);
    await this.states.remove(shadow.state);
    return (await this.states.load(this.target.state))!;
  }

  /** Finishes the batch a crash interrupted: its journal again, each write skipped where already applied. */
  private async recover(state: ProjectionState): Promise<number> {
    const { to, ...journal } = state.pending!;
    for (const round of await this.store.loadJournal(this.target.state, journal)) await this.writeRound(round, true);
    this.highWater = Math.max(this.highWater, to);
    await this.lease.save({ position: to, highWater: this.highWater }, ['pending']);
    return to;
  }

  private async writeRound(round: Round, guarded: boolean): Promise<void> {
    this.lease.assertFresh();
    await Promise.all(round.map(({ collection, ops }) => this.store.write(collection, ops, guarded)));
  }
}

/** The copy was stored by another version of the projection. */
export function versionMismatch(projection: AnyProjection, state: ProjectionState): ProjectionError {
  return new ProjectionError(projection.name, undefined, `stored by version ${state.version}, this is version ${projection.version}: rebuild it`);
}

/**
 * The documents in the order of their `_id`s, which is the order of the store's `_id` index: each
 * insert lands at the index's end instead of at a random page of it.
 */
function inIdOrder(docs: Doc[]): Doc[] {
  return docs.sort((a, b) => ((a._id as string) < (b._id as string) ? -1 : (a._id as string) > (b._id as string) ? 1 : 0));
}
