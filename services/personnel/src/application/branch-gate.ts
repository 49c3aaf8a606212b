import { Injectable, Provider } from '@nestjs/common';
import type { ProcessLocks } from '@register/event-store';
import { CommandTurns, commandTurnsProvider } from '@register/service-kit';

/**
 * Turns per branch in this process. A command that puts someone into a branch (an admission, a
 * transfer, an appointment) reads the branch's status from the replica and appends in one turn; a
 * reaction that closes a branch (merger, split, dissolution) marks it closed in the replica, then
 * waits for the turns already under way before it lists the branch's people. Without the turn, an
 * admission that found the branch open just before the merger arrived, and was appended just after
 * the reaction had listed the members, stayed in the absorbed branch for good.
 *
 * Several instances of personnel on one PostgreSQL database take the turn across processes too:
 * once its turn comes in this process, a command takes the keys' advisory locks (ProcessLocks),
 * so that a check and its append are not split by another instance's (two admissions of one
 * national ID number, two of one person into one branch). The closing reaction runs in every
 * instance (each reads every partition), each after the turns of its own process and, through the
 * locks, of the others: a member placed by an instance that had not yet heard of the closing is
 * moved by that instance's own reaction (the same command ids, so moved once).
 */
@Injectable()
export class BranchGate extends CommandTurns {
  constructor(locks?: ProcessLocks) {
    super('personnel.turn', locks);
  }

  /**
   * The turns an admission takes: its branch's, and its national ID number's, so that two admissions
   * of one number into two branches take turns too (check, then append), and the second is refused.
   */
  static admissionTurns(admissions: ReadonlyArray<{ branchId: string; nationalId?: string | null }>): string[] {
    return [...new Set(admissions.flatMap((a) => [a.branchId, ...(a.nationalId ? [BranchGate.nationalIdTurn(a.nationalId)] : [])]))];
  }

  /**
   * The turn of one member: an appointment checks that the member is active in the branch, a status
   * change or a transfer that the member holds no post, each on the other's stream. Without the
   * turn, an appointment and a going-away sent together both passed, and made an officer who is away.
   */
  static memberTurn(memberId: string): string {
    return `member:${memberId}`;
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

export const branchGateProvider: Provider = commandTurnsProvider(BranchGate);
