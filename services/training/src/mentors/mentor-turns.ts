import { Injectable, Provider } from '@nestjs/common';
import type { ProcessLocks } from '@register/event-store';
import { CommandTurns, commandTurnsProvider } from '@register/service-kit';

/**
 * A branch's turn for its mentor assignments. An assignment reads the mentor's assignments to the
 * branch from the view and the branch's status from the replica, then appends: two sent together
 * both found none and both stood (already-assigned missed). A closing of the branch (merger, split,
 * dissolution) marks it closed in the replica, waits for the turns under way, then ends the
 * assignments it finds: without the turn an assignment decided before the closing arrived and
 * appended after the reaction had listed the branch's assignments stayed active on a closed branch.
 */
@Injectable()
export class MentorTurns extends CommandTurns {
  constructor(locks?: ProcessLocks) {
    super('training.turn', locks);
  }

  static of(branchId: string): string {
    return `mentors:${branchId}`;
  }

  /** Resolves when every turn already queued on these branches has ended (a closing reaction's wait). */
  drain(branchIds: readonly string[]): Promise<void> {
    return this.through(branchIds.map((id) => MentorTurns.of(id)), async () => undefined);
  }
}

export const mentorTurnsProvider: Provider = commandTurnsProvider(MentorTurns);
