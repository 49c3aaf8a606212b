import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { dayBefore } from '@register/contracts';
import { calendarDayOf, NotFoundError } from '@register/event-sourcing';
import { checkYearBegun, Clock, CSV_CONTENT_TYPE, csvAnswer, IsRegisterId, KNOWN_AT_PROPERTY, parseAsOfKnownAt, ProblemResponses, ReadModelQuery, RegisterRequest, wantsCsv, WholeNumber } from '@register/service-kit';
import { TrainingFacts } from '../application/training-facts';
import { CoursesReads } from '../courses/courses.read-model';
import { recordedBy, When } from '../domain/facts';
import { compliance, dayOf } from './compliance';

export class ComplianceQuery extends ReadModelQuery {
  @ApiProperty({ description: "The unit whose subtree's residential branches are counted" })
  @IsRegisterId()
  unitId!: string;

  @ApiProperty({ example: 2024 })
  @WholeNumber()
  @IsInt()
  @Min(1930)
  @Max(2200)
  year!: number;

  @ApiPropertyOptional({ description: "A date (the structure, posts and outcomes in force that day) or an instant (what was recorded by then); the year's end, or today, when absent" })
  @IsOptional()
  asOf?: string;

  @ApiPropertyOptional(KNOWN_AT_PROPERTY)
  @IsOptional()
  knownAt?: string;
}

type Reply = { header(name: string, value: string): unknown };

/** Yearly training of residential-branch secretaries: who held the post in the year, who completed a course. */
@ApiTags('training')
@Controller('training-compliance')
export class ComplianceController {
  constructor(
    private readonly facts: TrainingFacts,
    private readonly courses: CoursesReads,
    private readonly clock: Clock,
  ) {}

  @ApiProduces('application/json', CSV_CONTENT_TYPE)
  @Get()
  @ProblemResponses(404, 422, 503)
  @ApiOperation({
    summary:
      "The secretaries of residential branches in the unit's subtree who held the post in the year (from the appointment on), how many completed a course that year, and the untrained by branch; asOf answers for the structure then (a branch closed in the year under a commune merged away since counts in its successor; a unit closed by the day asked, or established after it, is 404 naming the day to ask); text/csv lists the untrained",
  })
  async get(@Query() q: ComplianceQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    // knownAt: what was recorded by then (`until`), on the day asked (today without asOf).
    const asOf = parseAsOfKnownAt(q, this.clock);
    const when: When = !asOf ? { date: this.clock.today() } : asOf.kind === 'date' ? { date: asOf.date, until: asOf.knownAt?.getTime() } : { date: calendarDayOf(asOf.instant), until: asOf.instant.getTime() };
    checkYearBegun(q.year, when.date);
    if (!this.facts.knowsUnit(q.unitId)) throw new NotFoundError('unit', q.unitId);
    checkUnitOpen(this.facts, q.unitId, { ...when, date: dayOf(q.year, when) });
    const completed = await this.courses.completedIn(q.year, dayOf(q.year, when), when.until, q.minPosition);
    const answer = compliance(this.facts, q.unitId, q.year, when, completed);
    const body = { unitId: q.unitId, year: q.year, asOf: q.asOf || null, ...answer };
    return wantsCsv(req.headers.accept) ? csvAnswer(reply, ['branchId', 'memberId', 'since'], answer.untrained) : body;
  }
}

/**
 * A unit's year is asked of it while it stands: one established after the day asked, or closed by
 * then (its branches and their secretaries went to its successor), is 404 as its summary is (a
 * probe read a rate of 1 for a commune not yet made, and part of a year for one merged away).
 */
function checkUnitOpen(facts: TrainingFacts, unitId: string, day: When): void {
  const established = facts.unitEstablishedOn(unitId);
  if (established && established > day.date) throw new NotFoundError('unit', unitId, `unit ${unitId} was established on ${established}, after ${day.date}`);
  const closed = facts.unitClosure(unitId);
  if (closed && closed.on <= day.date && recordedBy(closed.at, day)) {
    throw new NotFoundError('unit', unitId, `unit ${unitId} closed on ${closed.on} (dissolved or merged), on or before ${day.date}: ask its compliance with asOf=${dayBefore(closed.on)} or earlier, or its successor's (GET /units/${unitId}/lineage)`);
  }
}
