import { Injectable } from '@nestjs/common';
import { CommandContext } from '@register/event-sourcing';
import { CommandAnswer, PersonnelService } from '../application/personnel.service';
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
  ) {}

  async handle(request: TransferRequestFacts, context: CommandContext): Promise<CommandAnswer> {
    await this.directory.caughtUp(1000);
    const branchId = this.directory.member(request.memberId)?.branchId;
    const postsHeld = branchId ? this.directory.officersOf(branchId).filter((p) => p.memberId === request.memberId) : [];
    const command: TransferMember = {
      type: 'TransferMember',
      ...request,
      toBranchStatus: this.personnel.branchStatus(request.toBranchId),
      cause: 'transfer',
      postsHeld: postsHeld.map((p) => ({ branchId: p.branchId, role: p.role })),
    };
    return this.personnel.onMember(transferDecider, command, { ...context, effectiveDate: request.transferredOn });
  }
}
