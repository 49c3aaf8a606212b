import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, NotFoundError } from '@register/event-sourcing';
import { Clock, Command, listAnswer, newEntityId, parseAsOfKnownAt, ParseIdPipe, ProblemResponses, ReadModelOrHistoryQuery, RegisterRequest } from '@register/service-kit';
import { TrainingFacts } from '../application/training-facts';
import { TrainingScope } from '../application/training-scope';
import { TrainingService } from '../application/training.service';
import { Course } from '../domain/course';
import { CourseCommands } from './course-commands.handler';
import { CourseDoc, ParticipationDoc } from './courses.projection';
import { CoursesReads } from './courses.read-model';
import { AttendanceRequest, CancellationRequest, CompletionRequest, CourseListQuery, EnrolRequest, ScheduleCourseRequest, TrainingRecordsQuery } from './courses.dto';

type Reply = { header(name: string, value: string): unknown };

/** The course as the API shows it, from the read model or folded from the log (asOf). */
function courseView(c: CourseDoc, participants: ParticipationDoc[]) {
  const { _id, participantIds: _ids, ...rest } = c;
  return {
    id: _id,
    ...rest,
    participants: participants.map((p) => ({ memberId: p.memberId, branchId: p.branchId, post: p.post, attendedOn: [...p.attendedOn].sort(), outcome: p.outcome, certificateNo: p.certificateNo })),
  };
}

function foldedView(s: Course) {
  const attended = (m: string) => Object.keys(s.attendance).filter((d) => s.attendance[d].includes(m)).sort();
  const result = (m: string) => s.results.find((r) => r.memberId === m);
  const { courseId, organiserUnitId, title, kind, topics, startsOn, endsOn, location, partner, closedOn, version } = s;
  return {
    id: courseId, organiserUnitId, title, kind, topics, startsOn, endsOn, year: Number(endsOn.slice(0, 4)), location, partner,
    status: s.status, closedOn, version,
    participants: s.participants.map((p) => ({ ...p, attendedOn: attended(p.memberId), outcome: result(p.memberId)?.outcome ?? null, certificateNo: result(p.memberId)?.certificateNo ?? null })),
  };
}

/** A course as the list shows it: its fields, and how many take part. */
type ListedCourse = Omit<CourseDoc, '_id' | 'participantIds' | 'kind' | 'status'> & { id: string; kind: string | null; status: string; participants: number };

function listView({ _id, participantIds, ...rest }: CourseDoc): ListedCourse {
  return { id: _id, ...rest, participants: participantIds.length };
}

/** A course folded from its log, as the list shows it. */
function foldedListView(s: Course): ListedCourse {
  const { participants, ...course } = foldedView(s);
  return { ...course, participants: participants.length };
}

/** Courses for branch officers (lớp tập huấn, bồi dưỡng): scheduling, enrolment, attendance, completion, cancellation. */
@ApiTags('training')
@Controller()
export class CoursesController {
  constructor(
    private readonly commands: CourseCommands,
    private readonly reads: CoursesReads,
    private readonly training: TrainingService,
    private readonly facts: TrainingFacts,
    private readonly scope: TrainingScope,
    private readonly clock: Clock,
  ) {}

  @Post('training-courses')
  @ProblemResponses(409, 422)
  @ApiOperation({ summary: 'Schedule a course of a unit: topics, days (endsOn on or after startsOn), location and partner' })
  schedule(@Body() b: ScheduleCourseRequest, @Command() ctx: CommandContext, @Req() req: RegisterRequest) {
    const courseId = newEntityId(ctx, b.id);
    const request = { courseId, organiserUnitId: b.organiserUnitId, title: b.title, kind: b.kind, topics: b.topics.map((t) => ({ title: t.title })), startsOn: b.startsOn, endsOn: b.endsOn, location: b.location ?? null, partner: b.partner ?? null };
    return this.commands.schedule(request, req.actor, ctx);
  }

  @Post('training-courses/:id/enrolments')
  @ProblemResponses(404, 409, 422)
  @ApiOperation({ summary: 'Enrol members of the register; the post each holds that day is recorded. 409 already-enrolled, 422 course-closed or not-an-active-member' })
  enrol(@Param('id', ParseIdPipe) id: string, @Body() b: EnrolRequest, @Command() ctx: CommandContext, @Req() req: RegisterRequest) {
    return this.commands.enrol(id, b.memberIds, req.actor, ctx);
  }

  @Post('training-courses/:id/attendance')
  @ProblemResponses(404, 409, 422)
  @ApiOperation({ summary: 'Who was present on one day of the course (422 day-outside-course, day-not-come, not-enrolled)' })
  attend(@Param('id', ParseIdPipe) id: string, @Body() b: AttendanceRequest, @Command() ctx: CommandContext, @Req() req: RegisterRequest) {
    return this.commands.attend(id, b.on, b.presentMemberIds, req.actor, ctx);
  }

  @Post('training-courses/:id/completion')
  @ProblemResponses(404, 409, 422)
  @ApiOperation({ summary: 'Close the course with one outcome for every participant (400 a member named twice; 422 outcome-missing, certificate-no-repeated, course-not-begun, course-closed, day-not-come for an effectiveDate still to come)' })
  complete(@Param('id', ParseIdPipe) id: string, @Body() b: CompletionRequest, @Command() ctx: CommandContext, @Req() req: RegisterRequest) {
    const results = b.results.map((r) => ({ memberId: r.memberId, outcome: r.outcome, ...(r.certificateNo ? { certificateNo: r.certificateNo } : {}) }));
    return this.commands.complete(id, results, req.actor, ctx);
  }

  @Post('training-courses/:id/cancellation')
  @ProblemResponses(404, 409, 422)
  @ApiOperation({ summary: 'Cancel a course that has not been completed, with its reason' })
  cancel(@Param('id', ParseIdPipe) id: string, @Body() _b: CancellationRequest, @Command() ctx: CommandContext, @Req() req: RegisterRequest) {
    return this.commands.cancel(id, req.actor, ctx);
  }

  @Get('training-courses')
  @ProblemResponses(404, 503)
  @ApiOperation({ summary: "Courses, by organising unit (its subtree) and year; paged; asOf (and knownAt) shows each course as it stood then, leaving out one not yet scheduled; also text/csv" })
  async list(@Query() q: CourseListQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const asOf = parseAsOfKnownAt(q, this.clock);
    if (q.organiserUnitId !== undefined && !this.facts.knowsUnit(q.organiserUnitId)) throw new NotFoundError('unit', q.organiserUnitId);
    // The subtree of the day asked: the courses of units that sat under it then, though they moved away since.
    const organiserUnitIds = q.organiserUnitId === undefined ? undefined : this.facts.unitsUnder(q.organiserUnitId, asOf);
    const today = async (limit: number, cursor: string | undefined) => {
      const found = await this.reads.list({ organiserUnitIds, year: q.year, limit, cursor, minPosition: q.minPosition });
      return { items: (found.items as unknown as CourseDoc[]).map(listView), nextCursor: found.nextCursor };
    };
    // asOf: today's page, each course folded from its log as of then (a page may come out shorter than its limit; its cursor goes on).
    const page = !asOf ? today : async (limit: number, cursor: string | undefined) => {
      const found = await today(limit, cursor);
      const then = await Promise.all(found.items.map((c) => this.training.course(c.id, asOf).then(foldedListView, () => undefined)));
      return { items: then.filter((c): c is ListedCourse => c !== undefined), nextCursor: found.nextCursor };
    };
    // As CSV without a limit, the whole list page after page (service-kit's listAnswer).
    return listAnswer({ accept: req.headers.accept, limit: q.limit, cursor: q.cursor }, reply, page, ['id', 'organiserUnitId', 'title', 'kind', 'startsOn', 'endsOn', 'status', 'participants']);
  }

  @Get('training-courses/:id')
  @ProblemResponses(404, 503)
  @ApiOperation({ summary: 'A course with its participants (post at enrolment, days attended, outcome); asOf folds the log; ETag for If-Match' })
  async get(@Param('id', ParseIdPipe) id: string, @Query() q: ReadModelOrHistoryQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const asOf = parseAsOfKnownAt(q, this.clock);
    const view = asOf ? foldedView(await this.training.course(id, asOf)) : await this.now(id, q.minPosition);
    this.scope.check(req.actor, view.organiserUnitId, `course ${id}`);
    reply.header('etag', `"${view.version}"`);
    return view;
  }

  private async now(id: string, minPosition?: number) {
    const found = await this.reads.course(id, minPosition);
    if (!found) throw new NotFoundError('course', id);
    return courseView(found.course, found.participants);
  }

  @Get('training-records')
  @ProblemResponses(503)
  @ApiOperation({ summary: "One member's courses: post at enrolment, days attended, outcome; paged; also text/csv" })
  async records(@Query() q: TrainingRecordsQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const page = async (limit: number, cursor: string | undefined) => {
      const found = await this.reads.records(q.memberId, { limit, cursor, minPosition: q.minPosition });
      const items = (found.items as unknown as ParticipationDoc[]).map(({ _id: _key, ...p }) => ({ ...p, attendedOn: [...p.attendedOn].sort() }));
      return { items, nextCursor: found.nextCursor };
    };
    // A member the register never named is 404, as every read by id (an empty list said nothing of the typo).
    if (this.facts.member(q.memberId) === undefined && (await page(1, undefined)).items.length === 0) throw new NotFoundError('member', q.memberId);
    return listAnswer({ accept: req.headers.accept, limit: q.limit, cursor: q.cursor }, reply, page, ['courseId', 'memberId', 'branchId', 'post', 'year', 'outcome', 'completedOn']);
  }
}
