import { Inject, Injectable } from '@nestjs/common';
import { CommandContext, ConflictError, EventStore } from '@register/event-sourcing';
import { CommandAnswer, PersonnelService } from '../application/personnel.service';
import { PERSONNEL_STORE } from '../application/tokens';
import { AdmitMember, admissionDecider } from './admit-member';
import { BranchStatusFact } from '../domain/facts';
import { exactKey } from './member-directory.projection';
import { MemberDirectoryReads, namesakeKey } from './member-directory.read-model';
import { AdmitMemberRequest } from './members.dto';

/** The admission a request asks for (POST /members, or a row of an import). */
export function admissionCommand(body: AdmitMemberRequest, memberId: string, branchStatus: BranchStatusFact, ctx: CommandContext): AdmitMember {
  const { fullName, dateOfBirth, gender, ethnicity, phone, nationalId } = body;
  const personal = { fullName, dateOfBirth, gender, ...(ethnicity ? { ethnicity } : {}), ...(phone ? { phone } : {}), ...(nationalId ? { nationalId } : {}) };
  return {
    type: 'AdmitMember',
    memberId,
    branchId: body.branchId,
    branchStatus,
    personal,
    admittedOn: body.admittedOn,
    ...(ctx.decision ? { decision: ctx.decision } : {}),
    ...(body.introducerId ? { introducerId: body.introducerId } : {}),
    ...(body.consent ? { consent: { givenOn: body.consent.givenOn, purposes: body.consent.purposes } } : {}),
  };
}

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

  /** `namesake`: the caller says the applicant is a different person with the same name and date of birth (or, an import, has checked namesakesOf). */
  async handle(command: AdmitMember, namesake: boolean, context: CommandContext): Promise<CommandAnswer> {
    if (!namesake) await this.refuseDuplicate(command);
    return this.personnel.onMember(admissionDecider, command, { ...context, effectiveDate: context.effectiveDate ?? command.admittedOn });
  }

  /**
   * For each applicant (by memberId), a member of the branch with their name and date of birth
   * other than themselves, as the directory has it once caught up with the log's head (or with
   * `seenAt`: an import waits once, at its start, and checks its own rows against each other).
   */
  async namesakesOf(commands: AdmitMember[], seenAt?: number): Promise<Map<string, string | undefined>> {
    const head = seenAt ?? (await this.store.headPosition());
    const found = await this.directory.namesakesAmong(commands.map((c) => ({ branchId: c.branchId, ...c.personal })), head);
    // The member itself (a retried admission) is answered by the command path, not refused here.
    const of = (c: AdmitMember) => (found.get(namesakeKey(c.branchId, exactKey(c.personal.fullName), c.personal.dateOfBirth)) ?? []).find((id) => id !== c.memberId);
    return new Map(commands.map((c) => [c.memberId, of(c)]));
  }

  private async refuseDuplicate(c: AdmitMember) {
    const existing = (await this.namesakesOf([c])).get(c.memberId);
    if (existing !== undefined) {
      throw new ConflictError(
        'possible-duplicate',
        `branch ${c.branchId} already has a member with this name and date of birth (${existing}); if the applicant is a different person, send namesake: true`,
        { existingMemberId: existing },
      );
    }
  }
}
