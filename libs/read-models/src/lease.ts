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
 * One writer per projection copy, across processes: a time-limited lease in the state document,
 * renewed every third of its duration. A write is refused locally once less than a third is left
 * (renewals failing, or the process paused), so that a stalled holder stops before another may
 * claim; every state write also names the owner, so a holder that lost it cannot move the checkpoint.
 */
export class Lease {
  private timer?: NodeJS.Timeout;
  private expiresAt = 0;

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
    if (!(await this.states.claim(this.name, this.owner, this.options.ttlMs, this.options.version))) return false;
    this.expiresAt = started + this.options.ttlMs;
    this.timer ??= setInterval(() => void this.renew(), this.options.ttlMs / 3);
    this.timer.unref();
    return true;
  }

  assertFresh(): void {
    if (Date.now() > this.expiresAt - this.options.ttlMs / 3) throw new LeaseLost(this.name, this.owner);
  }

  async save(set: Partial<ProjectionState>, unset: Array<keyof ProjectionState> = []): Promise<void> {
    const started = Date.now();
    await this.states.save(this.name, this.owner, this.options.ttlMs, set, unset);
    this.expiresAt = started + this.options.ttlMs;
  }

  async release(): Promise<void> {
    this.stopTimer();
    await this.states.release(this.name, this.owner).catch(() => undefined); // it expires anyway
    this.expiresAt = 0;
  }

  stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async renew(): Promise<void> {
    const started = Date.now();
    try {
      const outcome = await this.states.renew(this.name, this.owner, this.options.ttlMs);
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
