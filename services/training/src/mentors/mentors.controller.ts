import { Body, Controller, Get, Headers, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CommandContext, NotFoundError } from '@register/event-sourcing';
import { ReadModelQueries } from '@register/read-models';
import { asOfDay, Clock, Command, CSV_CONTENT_TYPE, csvAnswer, newEntityId, parseAsOfKnownAt, ParseIdPipe, ProblemResponses, recordedBy, RegisterRequest, wantsCsv } from '@register/service-kit';
import { mentorAssignmentStream } from '@register/contracts';
import { TrainingFacts } from '../application/training-facts';
import { TrainingService } from '../application/training.service';
import { MentorAssignment, mentorAssignmentAggregate, statusOn } from '../domain/mentor-assignment';
import { MentorCommands } from './mentor-commands.handler';
import { AssignmentDoc, mentorsProjection } from './mentors.projection';
import { AssignMentorRequest, EndAssignmentRequest, MentorsQuery } from './mentors.dto';

type Reply = { header(name: string, value: string): unknown };

const CSV_COLUMNS = ['assignmentId', 'mentorMemberId', 'startsOn', 'endsOn', 'status', 'cause'];

/** Mentors (phụ trách địa bàn): a committee member assigned to guide a branch, for a time; several per branch. */
@ApiTags('training')
@Controller()
export class MentorsController {
  constructor(
    private readonly commands: MentorCommands,
    private readonly readModels: ReadModelQueries,
    private readonly facts: TrainingFacts,
    private readonly training: TrainingService,
    private readonly clock: Clock,
  ) {}

  @Post('mentor-assignments')
  @ProblemResponses(409, 422)
  @ApiOperation({ summary: 'Assign an active member to guide a branch (422 not-an-active-member, member-away, branch-closed, ends-before-start; 409 already-assigned: the same mentor for days already covered)' })
  assign(@Body() b: AssignMentorRequest, @Command() ctx: CommandContext) {
    const assignmentId = newEntityId(ctx, b.id);
    return this.commands.assign({ assignmentId, branchId: b.branchId, mentorMemberId: b.mentorMemberId, startsOn: b.startsOn, endsOn: b.endsOn ?? null }, ctx);
  }

  @Post('mentor-assignments/:id/ending')
  @ProblemResponses(404, 409, 422)
  @ApiOperation({ summary: 'End an assignment on endsOn (422 assignment-ended, ends-before-start, or ends-after-planned-end: an ending shortens an assignment, never lengthens it); a merger, split or dissolution of the branch ends it by itself' })
  end(@Param('id', ParseIdPipe) id: string, @Body() b: EndAssignmentRequest, @Command() ctx: CommandContext, @Req() req: RegisterRequest) {
    return this.commands.end(id, b.endsOn, req.actor, ctx);
  }

  @ApiProduces('application/json', CSV_CONTENT_TYPE)
  @Get('branches/:id/mentors')
  @ProblemResponses(404, 503)
  @ApiOperation({ summary: "A branch's mentor assignments begun by the day (today, or asOf), current and ended, each with its status that day (ended once its endsOn has come); one starting later is pending until its day; also text/csv" })
  async mentors(@Param('id', ParseIdPipe) branchId: string, @Query() q: MentorsQuery, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: Reply) {
    if (this.facts.branchStatus(branchId) === 'unknown') throw new NotFoundError('branch', branchId);
    const asOf = parseAsOfKnownAt(q, this.clock);
    const model = await this.readModels.of(mentorsProjection).require(q.minPosition);
    let docs = (await model.collection('assignments').find({ branchId }, { sort: { startsOn: 1, mentorMemberId: 1, _id: 1 } })) as unknown as AssignmentDoc[];
    const day = asOfDay(asOf, this.clock.today());
    // A branch not yet standing on the axes asked is 404, as its own read is (an empty list said it stood, unmentored).
    if (asOf && !this.facts.branchStoodBy(branchId, asOf)) {
      throw new NotFoundError('branch', branchId, `branch ${branchId} did not stand on ${day}, as the register knew it then (GET /branches/${branchId} says when it was established)`);
    }
    // An instant asOf or knownAt: each assignment as the log had recorded it by then (the read model holds only today's).
    const by = recordedBy(asOf);
    if (by) docs = await this.asRecorded(docs, by);
    // Today's answer is the answer asOf today (docs/effective-dates.md): every assignment begun by the day, its status that day's.
    docs = docs.filter((d) => d.startsOn <= day);
    // The end's cause belongs to an assignment ended that day; one still active then shows its end day to come, no cause.
    const items = docs.map(({ _id, branchId: _b, version: _v, ...rest }) => {
      const status = statusOn(rest, day);
      return { assignmentId: _id, ...rest, status, cause: status === 'ended' ? rest.cause : null };
    });
    return wantsCsv(accept) ? csvAnswer(reply, CSV_COLUMNS, items) : { branchId, asOf: q.asOf || null, items };
  }

  private async asRecorded(docs: AssignmentDoc[], by: Date): Promise<AssignmentDoc[]> {
    const then = await Promise.all(docs.map((d) => this.training.recordedBy(mentorAssignmentAggregate, mentorAssignmentStream(d._id), by)));
    return then.filter((a): a is MentorAssignment & Pick<AssignmentDoc, 'status'> => a.status !== 'none').map(({ assignmentId, ...rest }) => ({ _id: assignmentId, ...rest }));
  }
}
