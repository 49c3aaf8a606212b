import { Injectable } from '@nestjs/common';
import { CommandContext } from '@register/event-sourcing';
import { BranchGate } from '../application/branch-gate';
import { PersonnelDirectory } from '../application/personnel-directory';
import { CommandAnswer, PersonnelService } from '../application/personnel.service';
import { ChangeMemberStatus, LEAVES_POSTS, statusChangeCommand, statusDecider } from './change-status';

/**
 * A status change asked over HTTP, in the member's turn (BranchGate.memberTurn): the posts the
 * member holds are read and the change appended with no appointment of the member in between.
 */
@Injectable()
export class ChangeStatusHandler {
  constructor(
    private readonly personnel: PersonnelService,
    private readonly directory: PersonnelDirectory,
    private readonly gate: BranchGate,
  ) {}

  handle(memberId: string, status: ChangeMemberStatus['status'] | 'stay-on', context: CommandContext): Promise<CommandAnswer> {
    const on = context.effectiveDate ?? this.personnel.today();
    return this.gate.through([BranchGate.memberTurn(memberId)], async () => {
      const postsHeld = LEAVES_POSTS.includes(status) ? await this.directory.postsHeldBy(memberId, on) : undefined;
      return this.personnel.onMember(statusDecider, statusChangeCommand(memberId, status, on, postsHeld), { ...context, effectiveDate: on });
    });
  }
}
