import { Injectable } from '@nestjs/common';
import { BatchOutcome, CommandContext, RuleViolation } from '@register/event-sourcing';
import { BatchAnswer, batchAnswer, newEntityId } from '@register/service-kit';
import { BranchGate } from '../application/branch-gate';
import { PersonnelService } from '../application/personnel.service';
import { admissionDecider } from '../members/admit-member';
import { admissionCommand, AdmitMemberHandler } from '../members/admit-member.handler';
import { AdmissionItem } from './admission-batches.dto';

/**
 * Many admissions at once (one decision of the union admitting a branch's or a commune's
 * applicants): each decided exactly as POST /members decides it, in the turn of every branch the
 * batch names (BranchGate), checked for namesakes in the branches and among the batch's own items,
 * and the admissions that stand appended together (one transaction: docs/scale.md). A member's id,
 * when not given, is drawn from the batch's Idempotency-Key and the item's place, so the same batch
 * again names the same members.
 */
@Injectable()
export class AdmitMembersHandler {
  constructor(
    private readonly personnel: PersonnelService,
    private readonly admissions: AdmitMemberHandler,
    private readonly gate: BranchGate,
  ) {}

  async handle(requests: AdmissionItem[], context: CommandContext): Promise<BatchAnswer> {
    await this.personnel.heardOf(requests.map((r) => r.branchId));
    const ids = requests.map((r, index) => newEntityId(context, r.id, `admission-${index}`));
    return this.gate.through(BranchGate.admissionTurns(requests), async () => {
      // In the branches' turn, with their status read there (as a single admission reads it).
      const today = this.personnel.today();
      const commands = await Promise.all(requests.map((r, index) => this.admissions.withIntroducer(admissionCommand(r, ids[index], this.personnel.branchJoinedOn(r.branchId, r.admittedOn), context, today))));
      const duplicates = await this.admissions.duplicatesIn(commands, requests.map((r) => r.namesake === true), context);
      const admitted = commands.map((command, index) => ({ command, index })).filter(({ index }) => !duplicates[index]);
      const twice = (k: number, first: number) => new RuleViolation('member-twice-in-batch', `member ${admitted[k].command.memberId} is item ${admitted[first].index} of this batch already`);
      const items = admitted.map(({ command }) => ({ command, context: { effectiveDate: context.effectiveDate ?? command.admittedOn } }));
      const outcomes = await this.personnel.onMembers(admissionDecider, items, context, twice);
      const byIndex = new Map<number, BatchOutcome>(outcomes.map((o, k) => [admitted[k].index, { ...o, index: admitted[k].index }]));
      const all = commands.map((c, index): BatchOutcome => byIndex.get(index) ?? { index, streamId: c.memberId, refusal: duplicates[index]! });
      await this.admissions.logIdsTaken(all.map((o) => ({ memberId: commands[o.index].memberId, refusal: o.refusal })), context, 'POST /admission-batches');
      // A refused item names the id its caller gave, not one the register made for a member never admitted.
      return batchAnswer(all, (index) => ids[index], (index) => requests[index].id);
    });
  }
}
