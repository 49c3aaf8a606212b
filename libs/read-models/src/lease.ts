import { hostname } from 'node:os';
import { LeaseLost, ProjectionStates, ProjectionState } from './state';

/**
 * Who holds a copy's lease unless told: the process's instance name when it has one
 * (REGISTER_INSTANCE_ID: unique among the live processes that share a read store, the same across
 * restarts of one instance), else host and pid. Under an instance name, a process started again
 * after a crash is the same owner and takes its copies back at once, instead of standing by until
 * its predecessor's lease runs out (up to `leaseMs`).
 */
export function leaseOwner(env: NodeJS.ProcessEnv = process.env): string {
  return env.REGISTER_INSTANCE_ID || `${hostname()}#${process.pid}`;
}

export interface LeaseOptions {
  owner: string;
  ttlMs: number;
  version: number;
  /** Called when the lease is lost or someone asked for it; the holder stops writing. */
  onInterrupt?: (reason: 'lost' | 'asked') => void;
}

/**
 * The holders in this process, by lease name: a takeover in the same process (a rebuild beside its
 * live runner, as embedded) has them look at once instead of at their next renewal, up to a third
 * of the lease later. A holder of the same name on another store only renews early: harmless.
 */
const holders = new Map<string, Set<Lease>>();

/** Asks the holders of `name` in this process to renew now, and so to hear that someone asked for the lease. */
export function nudgeHolders(name: string): void {
  for (const lease of holders.get(name) ?? []) void lease.renewNow();
}

/**
 * One writer per projection copy, across processes: a time-limited lease in the state document,
 * renewed every third of its duration. A write is refused locally once less than a third is left
 * (renewals failing, or the process paused), so that a stalled holder stops before another may
 * claim; every state write also names the owner, so a holder that lost it cannot move the checkpoint.
 */
export class Lease {
  private timer?: NodeJS.Timeout;
  private expiresAt = 0;
  /** The state document's updates by this lease, one at a time (see inTurn). */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly states: ProjectionStates,
    readonly name: string,
    private readonly options: LeaseOptions,
  ) {}

  get owner(): string {
    return this.options.owner;
  }

  async acquire(): Promise<boolean> {
    const started = Date.now();
    if (!(await this.inTurn(() => this.states.claim(this.name, this.owner, this.options.ttlMs, this.options.version)))) return false;
    this.expiresAt = started + this.options.ttlMs;
    this.timer ??= setInterval(() => void this.renew(), this.options.ttlMs / 3);
    this.timer.unref();
    let local = holders.get(this.name);
    if (!local) holders.set(this.name, (local = new Set()));
    local.add(this);
    return true;
  }

  assertFresh(): void {
    if (Date.now() > this.expiresAt - this.options.ttlMs / 3) throw new LeaseLost(this.name, this.owner);
  }

  async save(set: Partial<ProjectionState>, unset: Array<keyof ProjectionState> = []): Promise<void> {
    const started = Date.now();
    await this.inTurn(() => this.states.save(this.name, this.owner, this.options.ttlMs, set, unset));
    this.expiresAt = started + this.options.ttlMs;
  }

  async release(): Promise<void> {
    this.stopTimer();
    await this.inTurn(() => this.states.release(this.name, this.owner)).catch(() => undefined); // it expires anyway
    this.expiresAt = 0;
  }

  /**
   * Runs one update of the state document after the previous one ended. FerretDB v1 applies an
   * update by reading the document and writing it back whole: a renewal beside a checkpoint save
   * could write the old checkpoint back (test/read-models/lease-one-write-at-a-time.test.ts).
   */
  private inTurn<T>(update: () => Promise<T>): Promise<T> {
    const run = this.turn.then(update, update);
    this.turn = run.catch(() => undefined);
    return run;
  }

  stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const local = holders.get(this.name);
    local?.delete(this);
    if (local?.size === 0) holders.delete(this.name);
  }

  /** A renewal out of turn (nudgeHolders), unless the lease is no longer renewed or one is under way. */
  renewNow(): Promise<void> {
    return this.timer && !this.renewing ? this.renew() : Promise.resolve();
  }

  private renewing = false;

  private async renew(): Promise<void> {
    if (this.renewing) return; // the timer and a nudge at once: one renewal answers both
    this.renewing = true;
    try {
      await this.renewOnce();
    } finally {
      this.renewing = false;
    }
  }

  private async renewOnce(): Promise<void> {
    const started = Date.now();
    try {
      const outcome = await this.inTurn(() => this.states.renew(this.name, this.owner, this.options.ttlMs));
      if (outcome === 'lost') return this.interrupt('lost');
      this.expiresAt = started + this.options.ttlMs;
      if (outcome === 'asked') this.interrupt('asked');
    } catch {
      // the store is away: assertFresh stops writes once the lease may have run out
    }
  }

  private interrupt(reason: 'lost' | 'asked') {
    this.stopTimer();
    this.options.onInterrupt?.(reason);
  }
}
