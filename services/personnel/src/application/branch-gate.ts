import { Injectable } from '@nestjs/common';
import { KeyedTurns } from '@register/event-sourcing';

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
  private readonly turns = new KeyedTurns();

  /** Runs `work` once every turn queued before it on any of these branches has ended. */
  through<T>(branchIds: readonly string[], work: () => Promise<T>): Promise<T> {
    return this.turns.run(branchIds, work);
  }

  /**
   * The turns an admission takes: its branch's, and its national ID number's, so that two admissions
   * of one number into two branches take turns too (check, then append), and the second is refused.
   */
  static admissionTurns(admissions: ReadonlyArray<{ branchId: string; nationalId?: string | null }>): string[] {
    return [...new Set(admissions.flatMap((a) => [a.branchId, ...(a.nationalId ? [BranchGate.nationalIdTurn(a.nationalId)] : [])]))];
  }

  /** The turn of one national ID number: two writes of it (an admission, a correction) take turns. */
  static nationalIdTurn(nationalId: string): string {
    return `national-id:${nationalId}`;
  }

  /** Resolves when every turn already queued on these branches has ended (a closing reaction's wait). */
  drain(branchIds: readonly string[]): Promise<void> {
    return this.through(branchIds, async () => undefined);
  }
}
