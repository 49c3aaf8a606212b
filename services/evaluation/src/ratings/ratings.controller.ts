import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { RATING_SUBJECTS, RatingSubject } from '@register/contracts';
import { CommandContext, NotFoundError } from '@register/event-sourcing';
import { AsOf, Command, CSV_CONTENT_TYPE, csvAnswer, listAnswer, ParseIdPipe, SealedCursors, sealedPages, ValidationFailed, wantsCsv } from '@register/service-kit';
import { EvaluationService } from '../application/evaluation.service';
import { SubjectsReplica } from '../application/subjects-replica';
import { RatingListQuery, RecordRatingRequest, SubjectRatingsQuery } from './ratings.dto';
import { RatingReads, ratingView } from './ratings.read-model';
import { RecordRatingHandler } from './record-rating.handler';

type Reply = { header(name: string, value: string): unknown };

const CSV_COLUMNS = ['id', 'subjectType', 'subjectId', 'year', 'periodKey', 'scale', 'stage', 'grade', 'selfAssessedGrade', 'decidedGrade', 'branchId'];

/** Yearly ratings (đánh giá, xếp loại): self-assessments, decisions, and the lists and histories they make. */
@ApiTags('ratings')
@Controller('ratings')
export class RatingsController {
  constructor(
    private readonly recording: RecordRatingHandler,
    private readonly reads: RatingReads,
    private readonly replica: SubjectsReplica,
    private readonly evaluation: EvaluationService,
    private readonly cursors: SealedCursors,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      "A self-assessment (by the subject's own branch) or a decision (by the level above): 400 for a grade outside its scale, 422 year-not-come, scale-not-in-use, subject-did-not-exist, successor-rated-next-cycle (a branch made by a merger or split during the period: rated from its next cycle), period-not-for-branch (a school year for a residential branch or its member) or self-assessment-first, 409 already-decided (a decided rating changes through a rating change)",
  })
  record(@Body() body: RecordRatingRequest, @Command() ctx: CommandContext) {
    const { subjectType, subjectId, year, scale, grade, stage } = body;
    return this.recording.handle({ subjectType, subjectId, year, period: body.period ?? 'calendar', scale, grade, stage }, ctx);
  }

  @Get()
  @ApiOperation({ summary: 'Ratings by unitId (subtree, where the subjects sat when rated), year, subjectType, grade, stage; paged; asOf a date or an instant folds the log; also text/csv' })
  async list(@Query() query: RatingListQuery, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: Reply) {
    const { unitId, year, subjectType, grade, stage, limit, cursor, minPosition } = query;
    // An id the register has never named is 404, as on every other read by unit.
    if (unitId !== undefined && !this.replica.knowsUnit(unitId)) throw new NotFoundError('unit', unitId);
    const asOf = this.evaluation.asOf(query);
    // A unit not yet standing on the axes asked is 404, as on every read by unit (a probe's list named ratings under a unit not yet recorded).
    if (unitId !== undefined && asOf && !this.replica.unitStoodBy(unitId, asOf)) {
      throw new NotFoundError('unit', unitId, `unit ${unitId} did not stand on the day asked, as the register knew it then (GET /units/${unitId} says when it was established)`);
    }
    // As CSV without a limit, the whole list page after page (service-kit's listAnswer).
    const page = sealedPages(this.cursors, (size, after) => this.reads.list({ unitId, year, subjectType, grade, stage }, { limit: size, cursor: after, minPosition }, asOf));
    return listAnswer({ accept, limit, cursor }, reply, page, CSV_COLUMNS);
  }

  @ApiProduces('application/json', CSV_CONTENT_TYPE)
  @Get(':subjectType/:subjectId')
  @ApiParam({ name: 'subjectType', enum: RATING_SUBJECTS })
  @ApiOperation({ summary: "One subject's ratings, every period with each stage (self-assessment, decision, changes) and its actors; a branch made by a merger or split shows its predecessors' ratings; also text/csv (the predecessors' rows after the subject's own)" })
  async subject(
    @Param('subjectType') subjectType: string,
    @Param('subjectId', ParseIdPipe) subjectId: string,
    @Query() query: SubjectRatingsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ) {
    if (!(RATING_SUBJECTS as readonly string[]).includes(subjectType)) {
      throw new ValidationFailed([{ field: 'subjectType', rule: 'isIn', message: `subjectType must be one of ${RATING_SUBJECTS.join(', ')}` }]);
    }
    const asOf = this.evaluation.asOf(query);
    const rows = await this.reads.ofSubject(subjectType, subjectId, query.year, asOf, query.minPosition);
    // A subject the register never named is 404, as every read by id (an empty 200 said nothing of the typo).
    // An officer is a member in a post: a member who never held one has no officer ratings, and is known.
    const known = (type: RatingSubject) => this.replica.spansOf(type, subjectId).length > 0;
    if (rows.length === 0 && !known(subjectType as RatingSubject) && !(subjectType === 'officer' && known('member'))) throw new NotFoundError(subjectType, subjectId);
    if (subjectType === 'branch' && asOf && rows.length === 0 && !this.replica.branchStoodBy(subjectId, asOf)) {
      throw new NotFoundError('branch', subjectId, `branch ${subjectId} did not exist on the day asked, as the register knew it then (GET /branches/${subjectId} answers the same)`);
    }
    if (rows.length === 1) reply.header('etag', `"${rows[0].version}"`);
    const predecessors = subjectType === 'branch' ? await this.predecessors(subjectId, query.year, asOf) : [];
    const items = rows.map(ratingView);
    return wantsCsv(accept) ? csvAnswer(reply, CSV_COLUMNS, [...items, ...predecessors.flatMap((p) => p.items)]) : { subjectType, subjectId, asOf: query.asOf || null, items, predecessors };
  }

  private async predecessors(branchId: string, year: number | undefined, asOf: AsOf | undefined) {
    const ids = this.replica.predecessors(branchId);
    return Promise.all(ids.map(async (id) => ({ branchId: id, items: (await this.reads.ofSubject('branch', id, year, asOf)).map(ratingView) })));
  }
}
