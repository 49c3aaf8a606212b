import { Injectable } from '@nestjs/common';
import { CommandContext } from '@register/event-sourcing';
import { CommandAnswer, PersonnelService } from '../application/personnel.service';
import { BranchGate } from '../application/branch-gate';
import { PersonnelDirectory } from '../application/personnel-directory';
import { TransferMember, transferDecider } from './transfer-member';

export type TransferRequestFacts = Pick<TransferMember, 'memberId' | 'toBranchId' | 'transferredOn' | 'duesSettledUpTo'>;

/**
 * A transfer asked over HTTP, with its facts gathered here: the target branch's status from the
 * replica, and the posts the member holds in their branch from personnel's write-side view (a
 * member holding a post is not moved until they leave it: rule member-holds-post).
 */
@Injectable()
export class TransferMemberHandler {
  constructor(
    private readonly personnel: PersonnelService,
    private readonly directory: PersonnelDirectory,
    private readonly gate: BranchGate,
  ) {}

  /**
   * In the target branch's turn (BranchGate): a merger closing it either refuses the transfer or finds
   * it appended. In the member's turn too: an appointment of the member comes first or after.
   */
  async handle(request: TransferRequestFacts, context: CommandContext): Promise<CommandAnswer> {
    await this.personnel.heardOf([request.toBranchId]);
    return this.gate.through([request.toBranchId, BranchGate.memberTurn(request.memberId)], () => this.transferInTurn(request, context));
  }

  private async transferInTurn(request: TransferRequestFacts, context: CommandContext): Promise<CommandAnswer> {
    const postsHeld = await this.directory.postsHeldBy(request.memberId, request.transferredOn);
    const target = this.personnel.branchJoinedOn(request.toBranchId, request.transferredOn);
    const command: TransferMember = { type: 'TransferMember', ...request, toBranchStatus: target.status, ...(target.mergersAfter ? { toBranchMergers: target.mergersAfter } : {}), cause: 'transfer', postsHeld };
    return this.personnel.onMember(transferDecider, command, { ...context, effectiveDate: request.transferredOn });
  }
}
