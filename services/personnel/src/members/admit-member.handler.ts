import { Inject, Injectable } from '@nestjs/common';
import { CommandContext, ConflictError, EventStore } from '@register/event-sourcing';
import { CommandAnswer, PersonnelService } from '../application/personnel.service';
import { PERSONNEL_STORE } from '../application/tokens';
import { AdmitMember, admissionDecider } from './admit-member';
import { MemberDirectoryReads } from './member-directory.read-model';

/**
 * An admission, with the one fact the decider cannot have: whether the branch already has a member
 * of the same name and date of birth. Names are sealed in the log and the write side keeps none, so
 * the member directory (read model) is asked, after it has caught up with the log's head (a 503 if
 * it does not in time): an admission just made is seen by the next one.
 */
@Injectable()
export class AdmitMemberHandler {
  constructor(
    private readonly personnel: PersonnelService,
    private readonly directory: MemberDirectoryReads,
    @Inject(PERSONNEL_STORE) private readonly store: EventStore,
  ) {}

  /** `namesake`: the caller says the applicant is a different person with the same name and date of birth. */
  async handle(command: AdmitMember, namesake: boolean, context: CommandContext): Promise<CommandAnswer> {
    if (!namesake) await this.refuseDuplicate(command);
    return this.personnel.onMember(admissionDecider, command, { ...context, effectiveDate: context.effectiveDate ?? command.admittedOn });
  }

  private async refuseDuplicate(c: AdmitMember) {
    const head = await this.store.headPosition();
    // The member itself (a retried admission) is answered by the command path, not refused here.
    const existing = (await this.directory.namesakes(c.branchId, c.personal.fullName, c.personal.dateOfBirth, head)).filter((id) => id !== c.memberId);
    if (existing.length > 0) {
      throw new ConflictError(
        'possible-duplicate',
        `branch ${c.branchId} already has a member with this name and date of birth (${existing[0]}); if the applicant is a different person, send namesake: true`,
        { existingMemberId: existing[0] },
      );
    }
  }
}
