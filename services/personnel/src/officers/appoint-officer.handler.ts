import { Injectable } from '@nestjs/common';
import { dayBefore } from '@register/contracts';
import { CommandContext } from '@register/event-sourcing';
import { BranchReplica } from '../application/branch-replica';
import { CommandAnswer, PersonnelService } from '../application/personnel.service';
import { BranchGate } from '../application/branch-gate';
import { PersonnelDirectory } from '../application/personnel-directory';
import { IN_UNION } from '../domain/facts';
import { memberFacts } from '../domain/member';
import { AppointOfficer, appointmentDecider } from './appoint-officer';

/** The later of a day and an effective date (in force from then: a merger on or before it closed the branch already). */
const later = (day: string, effective?: string) => (effective !== undefined && effective > day ? effective : day);

export type AppointmentRequest = Omit<AppointOfficer, 'type' | 'branch' | 'member' | 'communes'>;

/**
 * An appointment, with the facts its decision needs gathered here and nowhere else: the member's
 * own stream, the branch and the communes from the branch replica (organisation's events), the
 * branch's member count from personnel's own view.
 */
@Injectable()
export class AppointOfficerHandler {
  constructor(
    private readonly personnel: PersonnelService,
    private readonly replica: BranchReplica,
    private readonly directory: PersonnelDirectory,
    private readonly gate: BranchGate,
  ) {}

  /**
   * In the branch's turn (BranchGate): a merger closing it either refuses the appointment or finds it
   * appended, and ends the post. In the member's turn too: a status change or transfer of the member
   * either comes first (and the appointment sees it) or finds the post.
   */
  handle(request: AppointmentRequest, context: CommandContext): Promise<CommandAnswer> {
    return this.gate.through([request.branchId, BranchGate.memberTurn(request.memberId)], () => this.appointInTurn(request, context));
  }

  private async appointInTurn(request: AppointmentRequest, context: CommandContext): Promise<CommandAnswer> {
    const { now: member, onDay: onStart } = await this.personnel.memberNowAndOn(request.memberId, request.startsOn);
    await this.directory.caughtUp(1000);
    const branch = this.replica.get(request.branchId);
    const rating = this.replica.ratingBefore(request.branchId, request.startsOn);
    // A branch merged away after the post's first day (recorded already): the post ends with the merger.
    const mergedOn = this.personnel.branchJoinedOn(request.branchId, later(request.startsOn, context.effectiveDate)).mergersAfter?.[0].on;
    const beforeMerger = mergedOn === undefined ? undefined : (await this.personnel.memberNowAndOn(request.memberId, dayBefore(mergedOn))).onDay;
    const command: AppointOfficer = {
      type: 'AppointOfficer',
      ...request,
      branch: { status: mergedOn ? 'active' : this.replica.statusOf(request.branchId), memberCount: mergedOn ? await this.membersThen(request.branchId, request.startsOn) : this.directory.memberCountOn(request.branchId, request.startsOn), lastRating: rating?.grade ?? null, ...(rating ? { ratingYear: rating.year } : {}), establishedOn: branch?.establishedOn ?? null, ...(mergedOn ? { mergedOn } : {}) },
      ...(beforeMerger ? { memberBeforeMerger: beforeMerger.exists ? { branchId: beforeMerger.branchId, status: beforeMerger.status, commune: this.replica.get(beforeMerger.branchId)?.parentUnitId ?? null } : null } : {}),
      member: memberFacts(member),
      memberOnStart: onStart.exists ? { branchId: onStart.branchId, status: onStart.status, commune: this.replica.get(onStart.branchId)?.parentUnitId ?? null } : null,
      communes: { branch: branch?.parentUnitId ?? null, member: member.exists ? (this.replica.get(member.branchId)?.parentUnitId ?? null) : null },
      residentialBranches: [member.exists ? member.branchId : undefined, onStart.exists ? onStart.branchId : undefined, beforeMerger?.exists ? beforeMerger.branchId : undefined].filter((id): id is string => id !== undefined && this.replica.get(id)?.residential === true),
    };
    return this.personnel.onOfficers(appointmentDecider, command, { ...context, effectiveDate: context.effectiveDate ?? request.startsOn });
  }

  /**
   * The members of a branch merged away since, on a day before: the directory knows today's members
   * alone (a merged branch has none), so those ever placed in it are folded to that day, their
   * streams read in one query (only for a post recorded late in such a branch).
   */
  private async membersThen(branchId: string, day: string): Promise<number> {
    const then = await this.personnel.membersOn(this.directory.placedIn([branchId]), day);
    return then.filter((m) => m.exists && m.branchId === branchId && IN_UNION.includes(m.status)).length;
  }
}
