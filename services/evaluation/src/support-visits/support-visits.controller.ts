import { Body, Controller, Get, Headers, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { supportVisitStream } from '@register/contracts';
import { CommandContext, NotFoundError } from '@register/event-sourcing';
import { Command, naturalEntityId, listAnswer, SealedCursors, sealedPages } from '@register/service-kit';
import { EvaluationService } from '../application/evaluation.service';
import { RecognitionReads } from '../application/recognition-reads';
import { SubjectsReplica } from '../application/subjects-replica';
import { holds } from '../domain/subjects';
import { supportVisitDecider } from './record-support-visit';
import { RecordSupportVisitRequest, SupportVisitListQuery } from './support-visits.dto';

type Reply = { header(name: string, value: string): unknown };
const CSV_COLUMNS = ['id', 'memberId', 'visitedOn', 'byUnitId', 'gift', 'branchId', 'actor', 'reason'];

/** Support visits (thăm hỏi, tặng quà) to branch officers in hardship. */
@ApiTags('support-visits')
@Controller('support-visits')
export class SupportVisitsController {
  constructor(
    private readonly evaluation: EvaluationService,
    private readonly replica: SubjectsReplica,
    private readonly reads: RecognitionReads,
    private readonly cursors: SealedCursors,
  ) {}

  @Post()
  @ApiOperation({ summary: "Record a visit to a branch officer in hardship: who visited, when, what was given; 422 day-not-come (after today), not-an-officer (no post that day), visitor-unknown (byUnitId names no unit of the register), visitor-closed (the visiting unit was closed by the day of the visit) or visitor-not-above (a unit above the officer's branch that day, or the successor of one merged away), 409 already-recorded (an id already used, or the same unit visiting the same officer that day)" })
  record(@Body() body: RecordSupportVisitRequest, @Command() ctx: CommandContext) {
    // One visit of a unit to an officer on a day: recorded twice, it is refused the second time.
    const visitId = naturalEntityId(body.id, 'support-visit', [body.byUnitId, body.memberId, body.visitedOn]);
    const posts = this.replica.spansOf('officer', body.memberId).filter((p) => holds(p, body.visitedOn));
    const branchId = posts[posts.length - 1]?.branchId ?? null;
    // The units above the officer's branch on the day of the visit (entered late, the tree of that day).
    const officer = { existed: posts.length > 0, placement: { branchId, unitIds: branchId ? this.replica.ancestryOn(branchId, body.visitedOn) : [] } };
    const visitorClosedOn = this.replica.unitClosedBy(body.byUnitId, body.visitedOn);
    const visitors = this.replica.withSuccessors(officer.placement.unitIds, body.visitedOn);
    const command = { type: 'RecordSupportVisit' as const, visitId, memberId: body.memberId, visitedOn: body.visitedOn, byUnitId: body.byUnitId, visitorKnown: this.replica.knowsUnit(body.byUnitId), gift: body.gift ?? null, officer, ...(visitorClosedOn ? { visitorClosedOn } : {}), visitors, today: this.evaluation.today() };
    return this.evaluation.onStream(supportVisitDecider, supportVisitStream(visitId), visitId, command, { ...ctx, effectiveDate: ctx.effectiveDate ?? body.visitedOn });
  }

  @Get()
  @ApiOperation({ summary: "Support visits by unitId (officers of branches in its subtree), year, memberId; paged; also text/csv" })
  async list(@Query() query: SupportVisitListQuery, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: Reply) {
    const { unitId, year, memberId, limit, cursor, minPosition } = query;
    // An id the register has never named is 404, as on /ratings and every other read by unit.
    if (unitId !== undefined && !this.replica.knowsUnit(unitId)) throw new NotFoundError('unit', unitId);
    if (memberId !== undefined && !this.replica.knowsMember(memberId)) throw new NotFoundError('member', memberId);
    // As CSV without a limit, the whole list page after page (service-kit's listAnswer); it stopped at one page of 50.
    const page = sealedPages(this.cursors, (size, after) => this.reads.visits({ unitId, year, memberId }, { limit: size, cursor: after, minPosition }));
    return listAnswer({ accept, limit, cursor }, reply, page, CSV_COLUMNS);
  }
}
