import { Injectable } from '@nestjs/common';
import { CommandContext, RuleViolation } from '@register/event-sourcing';
import { BatchAnswer, batchAnswer } from '@register/service-kit';
import { OfficersReads, PersonnelDirectory } from '../application/personnel-directory';
import { PersonnelService } from '../application/personnel.service';
import { BranchGate } from '../application/branch-gate';
import { LEAVES_POSTS, statusChangeCommand, statusDecider } from '../members/change-status';
import { StatusChangeItem } from './status-change-batches.dto';

/**
 * Many members' status changes at once (a branch's or a commune's yearly review of who went away,
 * who came back, who came of age): each decided exactly as POST /members/{id}/status-changes
 * decides it, on its own day, and the changes that stand appended together (one transaction:
 * docs/batches.md). A member named twice is refused the second time.
 */
@Injectable()
export class ChangeStatusesHandler {
  constructor(
    private readonly personnel: PersonnelService,
    private readonly directory: PersonnelDirectory,
    private readonly gate: BranchGate,
  ) {}

  /** In the turns of every member named (BranchGate.memberTurn), as a single change takes its member's. */
  handle(changes: StatusChangeItem[], context: CommandContext): Promise<BatchAnswer> {
    return this.gate.through(changes.map((c) => BranchGate.memberTurn(c.memberId)), () => this.inTurn(changes, context));
  }

  private async inTurn(changes: StatusChangeItem[], context: CommandContext): Promise<BatchAnswer> {
    const officers: OfficersReads = new Map();
    const items = await Promise.all(
      changes.map(async (c) => {
        const on = c.effectiveDate ?? context.effectiveDate ?? this.personnel.today();
        const postsHeld = LEAVES_POSTS.includes(c.status) ? await this.directory.postsHeldBy(c.memberId, on, officers) : undefined;
        return { command: statusChangeCommand(c.memberId, c.status, on, postsHeld), context: { effectiveDate: on } };
      }),
    );
    const twice = (index: number, first: number) => new RuleViolation('member-twice-in-batch', `member ${changes[index].memberId} is item ${first} of this batch already`);
    return batchAnswer(await this.personnel.onMembers(statusDecider, items, context, twice), (index) => changes[index].memberId);
  }
}
