import { Body, Controller, Get, Headers, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { supportVisitStream } from '@register/contracts';
import { CommandContext } from '@register/event-sourcing';
import { Command, newEntityId, SealedCursors } from '@register/service-kit';
import { CSV_TYPE, toCsv, wantsCsv } from '../application/csv';
import { EvaluationService } from '../application/evaluation.service';
import { RecognitionReads } from '../application/recognition-reads';
import { SubjectsReplica } from '../application/subjects-replica';
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
  @ApiOperation({ summary: 'Record a visit to a branch officer in hardship: who visited, when, what was given; 422 day-not-come (after today), not-an-officer (no post that day) or visitor-not-above, 409 already-recorded' })
  record(@Body() body: RecordSupportVisitRequest, @Command() ctx: CommandContext) {
    const visitId = newEntityId(ctx, body.id, 'support-visit');
    const posts = this.replica.spansOf('officer', body.memberId).filter((p) => (p.from === null || p.from <= body.visitedOn) && (p.to === null || p.to >= body.visitedOn));
    const branchId = posts[posts.length - 1]?.branchId ?? null;
    const officer = { existed: posts.length > 0, placement: { branchId, unitIds: branchId ? this.replica.ancestry(branchId) : [] } };
    const command = { type: 'RecordSupportVisit' as const, visitId, memberId: body.memberId, visitedOn: body.visitedOn, byUnitId: body.byUnitId, gift: body.gift ?? null, officer, today: this.evaluation.today() };
    return this.evaluation.onStream(supportVisitDecider, supportVisitStream(visitId), visitId, command, { ...ctx, effectiveDate: ctx.effectiveDate ?? body.visitedOn });
  }

  @Get()
  @ApiOperation({ summary: "Support visits by unitId (officers of branches in its subtree), year, memberId; paged; also text/csv" })
  async list(@Query() query: SupportVisitListQuery, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: Reply) {
    const { unitId, year, memberId, limit, cursor, minPosition } = query;
    const found = await this.reads.visits({ unitId, year, memberId }, { limit, cursor: this.cursors.open(cursor), minPosition });
    const page = { ...found, nextCursor: this.cursors.seal(found.nextCursor) };
    if (!wantsCsv(accept)) return page;
    reply.header('content-type', CSV_TYPE);
    return toCsv(CSV_COLUMNS, page.items);
  }
}
