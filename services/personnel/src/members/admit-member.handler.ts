import { Injectable } from '@nestjs/common';
import { CommandContext, ConflictError } from '@register/event-sourcing';
import { BranchGate } from '../application/branch-gate';
import { FirstNamesakes } from '../application/namesake-index';
import { PersonnelDirectory } from '../application/personnel-directory';
import { CommandAnswer, PersonnelService } from '../application/personnel.service';
import { AdmitMember, admissionDecider } from './admit-member';
import { BranchStatusFact, IN_UNION, MergerAfter } from '../domain/facts';
import { AdmitMemberRequest } from './members.dto';
import { NationalIdMatches, nationalIdTaken } from '../personal-data/national-id-matches';

/** How long an admission waits for the write side's directory to apply the log up to its head (in memory: normally milliseconds). */
const CATCH_UP_MS = 3000;

/** The admission a request asks for (POST /members, or a row of an import). */
export function admissionCommand(body: Omit<AdmitMemberRequest, 'reason' | 'decisionRef' | 'effectiveDate'>, memberId: string, branch: { status: BranchStatusFact; mergersAfter?: MergerAfter[] }, ctx: CommandContext, today: string): AdmitMember {
  const { status: branchStatus, mergersAfter } = branch;
  const { fullName, dateOfBirth, gender, ethnicity, phone, nationalId } = body;
  const personal = { fullName, dateOfBirth, gender, ...(ethnicity ? { ethnicity } : {}), ...(phone ? { phone } : {}), ...(nationalId ? { nationalId } : {}) };
  return {
    type: 'AdmitMember',
    memberId,
    branchId: body.branchId,
    branchStatus,
    ...(mergersAfter ? { branchMergers: mergersAfter } : {}),
    personal,
    admittedOn: body.admittedOn,
    today,
    ...(ctx.effectiveDate ? { effectiveOn: ctx.effectiveDate } : {}),
    ...(ctx.decision ? { decision: ctx.decision } : {}),
    ...(body.introducerId ? { introducerId: body.introducerId } : {}),
    ...(body.consent ? { consent: { givenOn: body.consent.givenOn, purposes: body.consent.purposes } } : {}),
  };
}

/**
 * An admission, with the one fact the decider cannot have: whether the branch already has a member
 * of the same name and date of birth. The write side's directory answers it, from its namesake index
 * (keyed hashes, no name) once it has applied the log up to its head: an admission just made is seen
 * by the next one, and no admission waits on the member directory (read model), whose store may lag.
 *
 * Two admissions of one person at once: in this process they take the branch's turn, and two with one
 * national ID number that number's turn (check, then append), so one is admitted and the other refused. Between processes (distributed, several instances of
 * personnel) nothing is shared in memory: two admissions of one person sent at the same moment to two
 * instances can both be admitted. That window is the time of one append; the directory shows both.
 */
@Injectable()
export class AdmitMemberHandler {
  constructor(
    private readonly personnel: PersonnelService,
    private readonly directory: PersonnelDirectory,
    private readonly gate: BranchGate,
    private readonly matches: NationalIdMatches,
  ) {}

  /**
   * `namesake`: the caller says the applicant is a different person with the same name and date of
   * birth (or, an import, has checked namesakesOf). In the branch's turn (BranchGate), with its
   * status read again there: a merger arriving meanwhile either refuses it or finds it appended.
   */
  /** `via`: the path it came by, for the read log a number held by another member writes. */
  async handle(command: AdmitMember, namesake: boolean, context: CommandContext, via = 'POST /members'): Promise<CommandAnswer> {
    const turns = BranchGate.admissionTurns([{ branchId: command.branchId, nationalId: command.personal.nationalId }]);
    const introduced = await this.withIntroducer(command);
    return this.gate.through(turns, () => {
      const branch = this.personnel.branchJoinedOn(command.branchId, command.admittedOn);
      const { branchMergers: _before, ...rest } = introduced;
      return this.admitInTurn({ ...rest, branchStatus: branch.status, ...(branch.mergersAfter ? { branchMergers: branch.mergersAfter } : {}) }, namesake, context, via);
    });
  }

  /** The command with its introducer's facts on the admission day (AdmitMember.introducer), when it names one. */
  async withIntroducer(command: AdmitMember): Promise<AdmitMember> {
    if (command.introducerId === undefined || command.introducerId === command.memberId) return command;
    const { now, onDay } = await this.personnel.memberNowAndOn(command.introducerId, command.admittedOn);
    return { ...command, introducer: now.exists ? { inUnion: onDay.exists && IN_UNION.includes(onDay.status) } : null };
  }

  private async admitInTurn(command: AdmitMember, namesake: boolean, context: CommandContext, via: string): Promise<CommandAnswer> {
    const admit = () => this.personnel.onMember(admissionDecider, command, { ...context, effectiveDate: context.effectiveDate ?? command.admittedOn });
    // The branch's turn also makes two admissions of one person take turns: check, then append.
    if (!namesake) await this.refuseDuplicate(command);
    else await this.directory.caughtUp(CATCH_UP_MS);
    const holder = this.holderOfNationalId(command);
    if (holder !== undefined) throw await this.matches.refusal(holder, context, via);
    return admit().catch(async (error: unknown) => {
      if (idTaken(error)) await this.matches.idMatched([command.memberId], context, via);
      throw error;
    });
  }

  /** The members of a batch's refusals `member-id-taken`, logged as the single admission's are. */
  async logIdsTaken(refusals: Array<{ memberId: string; refusal?: unknown }>, context: CommandContext, via: string): Promise<void> {
    await this.matches.idMatched(refusals.filter((o) => idTaken(o.refusal)).map((o) => o.memberId), context, via);
  }

  /**
   * Another member with the applicant's national ID number: one number is one person, in any
   * branch, so a namesake's `namesake: true` does not pass it. (Two admissions with one number in
   * two branches at the same moment take the number's turn: BranchGate.admissionTurns.)
   */
  /** The refusal of a number `holder` holds, logged as a read of the holder's data (an import's dry run asks it too). */
  numberHeld(holder: string, context: Pick<CommandContext, 'actor'>): Promise<ConflictError> {
    return this.matches.refusal(holder, context, 'POST /member-imports');
  }

  holderOfNationalId(c: AdmitMember): string | undefined {
    const id = c.personal.nationalId;
    const holder = id ? this.directory.namesakes.holderOf(id) : undefined;
    return holder === c.memberId ? undefined : holder;
  }

  /**
   * For each applicant (by memberId), a member of the branch with their name and date of birth
   * other than themselves, as the write side's directory has it once it has applied the log up to
   * its head (or up to `seenAt`: an import waits once, at its start, and checks its own rows against
   * each other). A ReadModelBehind (503) if the directory does not catch up in time.
   */
  async namesakesOf(commands: AdmitMember[], seenAt?: number): Promise<Map<string, string | undefined>> {
    await this.directory.caughtUp(CATCH_UP_MS, seenAt);
    // The member itself (a retried admission) is answered by the command path, not refused here.
    const of = (c: AdmitMember) => this.directory.namesakes.membersNamed(c.branchId, c.personal.fullName, c.personal.dateOfBirth).find((id) => id !== c.memberId);
    return new Map(commands.map((c) => [c.memberId, of(c)]));
  }

  private async refuseDuplicate(c: AdmitMember) {
    const existing = (await this.namesakesOf([c])).get(c.memberId);
    if (existing !== undefined) throw possibleDuplicate(c, existing);
  }

  /**
   * For each admission of a batch (in the branches' turn), what refuses it as a possible duplicate:
   * a member of its branch with the same name and date of birth, or an earlier admission of the
   * batch for the same person; none where the caller says it is a namesake.
   */
  async duplicatesIn(commands: AdmitMember[], namesake: readonly boolean[], context: Pick<CommandContext, 'actor'>): Promise<Array<ConflictError | undefined>> {
    const existing = await this.namesakesOf(commands);
    const earlier = new FirstNamesakes<string>();
    const numbers = new Map<string, string>();
    const held = new Map<string, string>();
    const refusals = commands.map((c, i) => {
      const number = c.personal.nationalId;
      const holder = this.holderOfNationalId(c);
      if (holder !== undefined && !this.directory.member(c.memberId)) held.set(c.memberId, holder);
      const numberTaken = number !== undefined && (holder !== undefined || (numbers.get(number) ?? c.memberId) !== c.memberId);
      if (number !== undefined && !numbers.has(number) && admissible(c)) numbers.set(number, c.memberId);
      const twin = existing.get(c.memberId) ?? earlier.find(c.branchId, c.personal.fullName, c.personal.dateOfBirth);
      // The first of the batch for this person, if a new member could be admitted so (one refused, for age say, is no twin).
      if (admissible(c)) earlier.add(c.branchId, c.personal.fullName, c.personal.dateOfBirth, c.memberId);
      // A member admitted already (the same batch again) is answered by the command path, not refused for a namesake admitted since.
      if (this.directory.member(c.memberId)) return undefined;
      if (numberTaken) return nationalIdTaken();
      return namesake[i] || twin === undefined || twin === c.memberId ? undefined : possibleDuplicate(c, twin);
    });
    for (const holder of held.values()) await this.matches.refusal(holder, context, 'POST /admission-batches');
    return refusals;
  }
}


function possibleDuplicate(c: AdmitMember, existing: string): ConflictError {
  return new ConflictError(
    'possible-duplicate',
    `branch ${c.branchId} already has a member with this name and date of birth (${existing}); if the applicant is a different person, send namesake: true`,
    { existingMemberId: existing },
  );
}

/** Whether the decider would admit this applicant as a new member (the batch's own items, checked against each other). */
function admissible(c: AdmitMember): boolean {
  try {
    admissionDecider.decide(c, admissionDecider.initialState());
    return true;
  } catch {
    return false;
  }
}

const idTaken = (error: unknown) => error instanceof ConflictError && error.rule === 'member-id-taken';
