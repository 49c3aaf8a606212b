import { JournalRef, ReadStore } from './read-store';
import { STATES } from './naming';

/**
 * A projection copy's bookkeeping document in `_checkpoints`, beside its documents (no
 * transactions: what must survive together lives in one store).
 */
export interface ProjectionState {
  _id: string;
  /** Every event up to here is in the documents, and none after (once `pending` is recovered). */
  position: number;
  version: number;
  /** The furthest position a batch ever wrote: a checkpoint set back by hand below it is ignored. */
  highWater: number;
  /** The batch being written: its end and its journal (see writer.ts). */
  pending?: { to: number } & JournalRef;
  /** A rebuild is switching its shadow copy in (see CopyWriter.switchIn). */
  switching?: { position: number; version: number };
  /** The lease: one writer per projection copy across processes. */
  owner?: string;
  until?: number;
  /** A rebuild asks the holder to step aside until `yieldUntil`. */
  yieldTo?: string;
  yieldUntil?: number;
  updatedAt?: string;
}

export class LeaseLost extends Error {
  constructor(
    readonly state: string,
    readonly owner: string,
  ) {
    super(`${owner} no longer holds the lease on ${state}`);
    this.name = 'LeaseLost';
  }
}

/** Reads and conditionally writes state documents; every write but `claim` requires holding the lease. */
export class ProjectionStates {
  constructor(
    private readonly store: ReadStore,
    private readonly clock: () => number = Date.now,
  ) {}

  async load(name: string): Promise<ProjectionState | undefined> {
    return (await this.store.findOne(STATES, { _id: name })) as ProjectionState | undefined;
  }

  /** Takes the lease if it is free, expired or ours, and nobody else asked for the copy. */
  async claim(name: string, owner: string, ttlMs: number, version: number): Promise<boolean> {
    const now = this.clock();
    const free = { $or: [{ owner: { $exists: false } }, { owner }, { until: { $lt: now } }] };
    const notAsked = { $or: [{ yieldTo: { $exists: false } }, { yieldTo: owner }, { yieldUntil: { $lt: now } }] };
    const outcome = await this.store.updateOne(
      STATES,
      { _id: name, $and: [free, notAsked] },
      { $set: { owner, until: now + ttlMs }, $setOnInsert: { position: 0, highWater: 0, version } },
      true,
    );
    return outcome !== 'none';
  }

  /** Extends the lease; says whether it is still ours and whether someone asked for it. */
  async renew(name: string, owner: string, ttlMs: number): Promise<'held' | 'lost' | 'asked'> {
    const now = this.clock();
    if ((await this.store.updateOne(STATES, { _id: name, owner }, { $set: { until: now + ttlMs } }, false)) === 'none') return 'lost';
    const state = await this.load(name);
    return state?.yieldTo && state.yieldTo !== owner && (state.yieldUntil ?? 0) > now ? 'asked' : 'held';
  }

  async save(name: string, owner: string, ttlMs: number, set: Partial<ProjectionState>, unset: Array<keyof ProjectionState> = []): Promise<void> {
    const update = { $set: { ...set, until: this.clock() + ttlMs, updatedAt: new Date(this.clock()).toISOString() }, ...(unset.length ? { $unset: Object.fromEntries(unset.map((k) => [k, ''])) } : {}) };
    if ((await this.store.updateOne(STATES, { _id: name, owner }, update, false)) === 'none') throw new LeaseLost(name, owner);
  }

  async release(name: string, owner: string): Promise<void> {
    await this.store.updateOne(STATES, { _id: name, owner }, { $unset: { owner: '', until: '' } }, false);
  }

  /** Asks the holder to step aside; until `ttlMs` from now, only `requester` can claim. */
  async ask(name: string, requester: string, ttlMs: number): Promise<void> {
    await this.store.updateOne(STATES, { _id: name }, { $set: { yieldTo: requester, yieldUntil: this.clock() + ttlMs } }, false);
  }

  async stopAsking(name: string, requester: string): Promise<void> {
    await this.store.updateOne(STATES, { _id: name, yieldTo: requester }, { $unset: { yieldTo: '', yieldUntil: '' } }, false);
  }

  async remove(name: string): Promise<void> {
    await this.store.deleteOne(STATES, name);
  }
}
