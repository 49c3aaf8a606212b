import { Body, Controller, Get, Headers, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { commendationStream } from '@register/contracts';
import { CommandContext, NotFoundError } from '@register/event-sourcing';
import { Command, naturalEntityId, listAnswer, SealedCursors, sealedPages } from '@register/service-kit';
import { canonicalTones, normaliseName } from '@register/text';
import { AwardsReplica } from '../application/awards-replica';
import { EvaluationService } from '../application/evaluation.service';
import { RecognitionReads } from '../application/recognition-reads';
import { SubjectsReplica } from '../application/subjects-replica';
import { subjectFacts } from '../domain/subjects';
import { CommendationListQuery, IssueCommendationRequest } from './commendations.dto';
import { commendationDecider } from './issue-commendation';

type Reply = { header(name: string, value: string): unknown };
/** A title as two clerks type it: spacing, case and tone placement (hoà, hòa) aside. */
const titleKey = (title: string) => canonicalTones(normaliseName(title)).toLowerCase();
const CSV_COLUMNS = ['id', 'subjectType', 'subjectId', 'year', 'occasion', 'title', 'issuedByUnitId', 'awardRef', 'award', 'effectiveDate', 'actor'];

/** Commendations (tuyên dương, khen thưởng): founding day, year-end review, competitions. */
@ApiTags('commendations')
@Controller('commendations')
export class CommendationsController {
  constructor(
    private readonly evaluation: EvaluationService,
    private readonly replica: SubjectsReplica,
    private readonly awards: AwardsReplica,
    private readonly reads: RecognitionReads,
    private readonly cursors: SealedCursors,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      "Commend a branch, member or officer for a year: 422 day-not-come (an effectiveDate after today), year-not-come, subject-did-not-exist, issuer-unknown (no such unit), issuer-closed (the issuing unit was dissolved or merged away by the commendation's day: its successor issues it) or issuer-not-above (the issuing unit is one the subject belongs to, or the successor of one merged away), 409 already-issued (an id already used, the same subject, year, occasion and title from the same unit, or an award that unit commended already); citing an award (`awardRef`, `<competitionId>:<memberId>` from training's published results): 422 unknown-award (not heard from training, yet), award-needs-competition (occasion 'competition'), award-of-another-member (the subject is the awarded member, or that member as an officer), award-of-another-year (the year is the competition's)",
  })
  issue(@Body() body: IssueCommendationRequest, @Command() ctx: CommandContext) {
    const { subjectType, subjectId, year, occasion, title, issuedByUnitId } = body;
    // One unit commends one award once; any other commendation is one by its subject, year, occasion and title.
    const what = body.awardRef ? ['award', body.awardRef] : [subjectType, subjectId, year, occasion, titleKey(title)];
    const commendationId = naturalEntityId(body.id, 'commendation', [issuedByUnitId, ...what]);
    // The units above the subject on the commendation's day may issue it (entered late, the tree of that day).
    const day = ctx.effectiveDate ?? this.evaluation.today();
    const subject = subjectFacts(this.replica, subjectType, subjectId, year, 'calendar', day);
    const awardRef = body.awardRef ?? null;
    // The award as evaluation heard it from training's events (null: not heard): the decider judges it.
    const award = awardRef === null ? null : this.awards.award(awardRef);
    const issuerKnown = this.replica.knowsUnit(issuedByUnitId);
    // The successor of a unit above the subject, merged away by then, holds what it held: it may issue it (a probe found it refused, the closed unit accepted).
    const issuers = this.replica.withSuccessors(subject.placement.unitIds, day);
    const issuerClosedOn = this.replica.unitClosedBy(issuedByUnitId, day);
    const command = { type: 'IssueCommendation' as const, commendationId, subjectType, subjectId, year, occasion, title, issuedByUnitId, issuerKnown, ...(issuerClosedOn ? { issuerClosedOn } : {}), issuers, awardRef, award, subject, today: this.evaluation.today(), on: day };
    return this.evaluation.onStream(commendationDecider, commendationStream(commendationId), commendationId, command, ctx);
  }

  @Get()
  @ApiOperation({ summary: "Commendations by unitId (the subjects in its subtree), year, subjectType, subjectId; paged; also text/csv" })
  async list(@Query() query: CommendationListQuery, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: Reply) {
    const { unitId, year, subjectType, subjectId, limit, cursor, minPosition } = query;
    // An id the register has never named is 404, as on /ratings and every other read by unit.
    if (unitId !== undefined && !this.replica.knowsUnit(unitId)) throw new NotFoundError('unit', unitId);
    if (subjectId !== undefined && subjectType !== undefined && !this.replica.knowsSubject(subjectType, subjectId)) throw new NotFoundError(subjectType, subjectId);
    // As CSV without a limit, the whole list page after page (service-kit's listAnswer); it stopped at one page of 50.
    const page = sealedPages(this.cursors, (size, after) => this.reads.commendations({ unitId, year, subjectType, subjectId }, { limit: size, cursor: after, minPosition }));
    return listAnswer({ accept, limit, cursor }, reply, page, CSV_COLUMNS);
  }
}
