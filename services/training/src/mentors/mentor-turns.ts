import { Injectable, Provider } from '@nestjs/common';
import type { ProcessLocks } from '@register/event-store';
import { CommandTurns, commandTurnsProvider } from '@register/service-kit';

/**
 * A mentor's turn at a branch: an assignment reads the mentor's assignments to the branch from the
 * view, then appends; two sent together both found none and both stood (already-assigned missed).
 */
@Injectable()
export class MentorTurns extends CommandTurns {
  constructor(locks?: ProcessLocks) {
    super('training.turn', locks);
  }

  static of(branchId: string, mentorMemberId: string): string {
    return `mentor:${branchId}:${mentorMemberId}`;
  }
}

export const mentorTurnsProvider: Provider = commandTurnsProvider(MentorTurns);
