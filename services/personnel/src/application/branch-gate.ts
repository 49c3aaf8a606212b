import { Injectable } from '@nestjs/common';

/**
 * Turns per branch in this process. A command that puts someone into a branch (an admission, a
 * transfer, an appointment) reads the branch's status from the replica and appends in one turn; a
 * reaction that closes a branch (merger, split, dissolution) marks it closed in the replica, then
 * waits for the turns already under way before it lists the branch's people. Without the turn, an
 * admission that found the branch open just before the merger arrived, and was appended just after
 * the reaction had listed the members, stayed in the absorbed branch for good.
 *
 * One personnel process (deploy: one replica); several would need the turn in the store.
 */
@Injectable()
export class BranchGate {
  /** The last turn queued on each branch, settled or not. */
  private readonly last = new Map<string, Promise<unknown>>();

  /** Runs `work` once every turn queued before it on any of these branches has ended; FIFO per branch, so no turn waits on a later one. */
  through<T>(branchIds: readonly string[], work: () => Promise<T>): Promise<T> {
    const keys = [...new Set(branchIds)];
    const before = keys.map((k) => this.last.get(k)).filter((p): p is Promise<unknown> => p !== undefined);
    const mine = before.length ? Promise.all(before).then(() => work()) : work();
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    for (const k of keys) this.last.set(k, settled);
    void settled.then(() => keys.forEach((k) => this.last.get(k) === settled && this.last.delete(k)));
    return mine;
  }

  /** Resolves when every turn already queued on these branches has ended (a closing reaction's wait). */
  drain(branchIds: readonly string[]): Promise<void> {
    return this.through(branchIds, async () => undefined);
  }
}
