import { Injectable } from '@nestjs/common';
import { CommandContext } from '@register/event-sourcing';
import { ReadModelQueries } from '@register/read-models';
import { mentorAssignmentStream } from '@register/contracts';
import { Actor, UpstreamLogs } from '@register/service-kit';
import { TrainingFacts } from '../application/training-facts';
import { TrainingScope } from '../application/training-scope';
import { CommandAnswer, TrainingService } from '../application/training.service';
import { mentorAssignmentAggregate } from '../domain/mentor-assignment';
import { assignmentDecider, endingDecider } from './mentor-decisions';
import { AssignmentDoc, mentorsProjection } from './mentors.projection';
import { MentorTurns } from './mentor-turns';

/**
 * The facts a mentor assignment needs (the branch and the mentor, from organisation's and personnel's
 * events; the mentor's other assignments to the branch, from the service's own view), then the command.
 */
@Injectable()
export class MentorCommands {
  constructor(
    private readonly training: TrainingService,
    private readonly facts: TrainingFacts,
    private readonly scope: TrainingScope,
    private readonly readModels: ReadModelQueries,
    private readonly upstream: UpstreamLogs,
    private readonly turns: MentorTurns,
  ) {}

  /** In the branch's turn (MentorTurns): a second assignment sent at the same instant sees the first, and a closing of the branch either refuses it or ends it. */
  async assign(r: { assignmentId: string; branchId: string; mentorMemberId: string; startsOn: string; endsOn: string | null }, ctx: CommandContext): Promise<CommandAnswer> {
    await this.upstream.untilKnown([r.branchId], (id) => this.facts.branchStatus(id) !== 'unknown');
    return this.turns.through([MentorTurns.of(r.branchId)], async () => {
      const sameMentor = await this.assignmentsOf(r.branchId, r.mentorMemberId);
      const command = { type: 'AssignMentor' as const, ...r, branchStatus: this.facts.branchStatus(r.branchId), mentor: this.facts.member(r.mentorMemberId), sameMentor };
      return this.training.on(assignmentDecider, mentorAssignmentStream(r.assignmentId), r.assignmentId, command, { ...ctx, effectiveDate: ctx.effectiveDate ?? r.startsOn });
    });
  }

  /** The mentor's assignments to the branch, from the view caught up with the log (every assignment appended before this turn). */
  private async assignmentsOf(branchId: string, mentorMemberId: string) {
    const model = await this.readModels.of(mentorsProjection).requireOwn(await this.training.headPosition());
    const docs = (await model.collection('assignments').find({ branchId, mentorMemberId })) as unknown as AssignmentDoc[];
    return docs.map((d) => ({ assignmentId: d._id, startsOn: d.startsOn, endsOn: d.endsOn }));
  }

  /** Ended by the caller: the branch's unit must be in their scope (the gateway cannot know which branch an assignment is of). */
  async end(assignmentId: string, endsOn: string, actor: Actor | undefined, ctx: CommandContext): Promise<CommandAnswer> {
    const s = await this.training.folded(mentorAssignmentAggregate, mentorAssignmentStream(assignmentId), 'mentor assignment', assignmentId, undefined, (a) => a.status !== 'none');
    this.scope.check(actor, this.facts.branchUnit(s.branchId) ?? s.branchId, `mentor assignment ${assignmentId}`);
    const command = { type: 'EndAssignment' as const, assignmentId, endsOn, cause: 'ended' as const };
    return this.training.on(endingDecider, mentorAssignmentStream(assignmentId), assignmentId, command, { ...ctx, effectiveDate: ctx.effectiveDate ?? endsOn });
  }
}
