import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CommandContext, NotFoundError } from '@register/event-sourcing';
import { AsOf, Command, CSV_CONTENT_TYPE, csvAnswer, ParseIdPipe, ReadModelOrHistoryQuery, RegisterRequest, wantsCsv } from '@register/service-kit';
import { BranchReplica } from '../application/branch-replica';
import { PersonnelService } from '../application/personnel.service';
import { AppointOfficerHandler } from './appoint-officer.handler';
import { departureDecider } from './depart-officer';
import { heldOn } from './officer-posts.projection';
import { OfficerPostsReads } from './officer-posts.read-model';
import { AppointOfficerRequest, DepartOfficerRequest } from './officers.dto';

type Reply = { header(name: string, value: string): unknown };

/** A branch's officers as CSV (Accept: text/csv). */
const OFFICER_CSV_COLUMNS = ['branchId', 'memberId', 'role', 'method', 'source', 'startsOn', 'endsOn', 'congressDeadline', 'termEndsOn'];

/** A branch's officers: the secretary (bí thư) and deputies; appointments, departures, who held a post when. */
@ApiTags('officers')
@Controller('branches/:id')
export class OfficersController {
  constructor(
    private readonly personnel: PersonnelService,
    private readonly appointments: AppointOfficerHandler,
    private readonly posts: OfficerPostsReads,
    private readonly replica: BranchReplica,
  ) {}

  @Post('officer-appointments')
  @ApiOperation({ summary: 'Appoint or record the election of a secretary or deputy: 409 if the post is taken, 422 if the member is not eligible' })
  async appoint(@Param('id', ParseIdPipe) branchId: string, @Body() body: AppointOfficerRequest, @Command() ctx: CommandContext) {
    await this.personnel.heardOf([branchId]);
    const { memberId, role, method, source, startsOn, congressDeadline, termEndsOn } = body;
    return this.appointments.handle(
      { branchId, memberId, role, method, source, startsOn, ...(congressDeadline ? { congressDeadline } : {}), ...(termEndsOn ? { termEndsOn } : {}) },
      ctx,
    );
  }

  @Post('officer-departures')
  @ApiOperation({ summary: 'An officer leaves on endsOn: away for work or study, resigned, relieved, term ended, came of age, moved up (unknown when no cause is given); dated before a merger, split or dissolution recorded already that ended the post, it brings the post\'s end forward (OfficerDepartureBroughtForward)' })
  async depart(@Param('id', ParseIdPipe) branchId: string, @Body() body: DepartOfficerRequest, @Command() ctx: CommandContext) {
    await this.personnel.heardOf([branchId]);
    // A branch the register does not know is 404, as an appointment to it is (it was 422 not-an-officer).
    if (this.replica.statusOf(branchId) === 'unknown') throw new NotFoundError('branch', branchId);
    const command = { type: 'DepartOfficer' as const, branchId, memberId: body.memberId, endsOn: body.endsOn, cause: body.cause ?? 'unknown' };
    return this.personnel.onOfficers(departureDecider, command, { ...ctx, effectiveDate: ctx.effectiveDate ?? body.endsOn });
  }

  @ApiProduces('application/json', CSV_CONTENT_TYPE)
  @Get('officers')
  @ApiOperation({
    summary:
      "The branch's officers now (from the read model; minPosition waits for it), or asOf a date (who held a post that day) or an instant (what was recorded by then), rebuilt from the log",
  })
  async officers(@Param('id', ParseIdPipe) branchId: string, @Query() query: ReadModelOrHistoryQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const asOf = this.personnel.asOf(query);
    const { version, posts } = asOf ? await this.folded(branchId, asOf) : await this.now(branchId, query.minPosition);
    reply.header('etag', `"${version}"`);
    const items = posts.map((p) => ({
      memberId: p.memberId,
      role: p.role,
      method: p.method,
      source: p.source,
      startsOn: p.startsOn,
      endsOn: p.endsOn ?? null,
      congressDeadline: p.congressDeadline ?? null,
      termEndsOn: p.termEndsOn ?? null,
    }));
    if (wantsCsv(req.headers.accept)) return csvAnswer(reply, OFFICER_CSV_COLUMNS, items.map((o) => ({ branchId, ...o })));
    return { branchId, asOf: query.asOf || null, hasSecretary: posts.some((p) => p.role === 'secretary'), items, version };
  }

  /**
   * Today: the posts held today in the branch's document in `officer-posts`, as `asOf` today
   * answers (a post starting or ending later is pending). Its version is the officers' stream
   * revision the document reflects: the ETag.
   */
  private async now(branchId: string, minPosition: number | undefined) {
    const doc = await this.posts.branch(branchId, minPosition);
    if (!doc && this.replica.statusOf(branchId) === 'unknown') throw new NotFoundError('branch', branchId);
    return { version: doc?.version ?? -1, posts: doc ? heldOn(doc, this.personnel.today()) : [] };
  }

  /** As of a day (or an instant): 404 for a branch personnel has never heard of, or one established after that day, as the branch read answers. */
  private async folded(branchId: string, asOf: AsOf) {
    // Standing on both axes: a knownAt before the branch was recorded is 404 too, as its own read is.
    if (!this.replica.get(branchId) || !this.replica.branchStoodBy(branchId, asOf)) throw new NotFoundError('branch', branchId);
    const { state, posts } = await this.personnel.officers(branchId, asOf);
    return { version: state.version, posts };
  }
}
