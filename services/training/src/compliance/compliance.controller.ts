import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { NotFoundError } from '@register/event-sourcing';
import { checkYearBegun, CSV_CONTENT_TYPE, IsRegisterId, KNOWN_AT_PROPERTY, parseAsOfKnownAt, ProblemResponses, ReadModelQuery, RegisterRequest } from '@register/service-kit';
import { sendList } from '../application/csv';
import { TrainingFacts } from '../application/training-facts';
import { CoursesReads } from '../courses/courses.read-model';
import { When } from '../domain/facts';
import { compliance, dayOf } from './compliance';

export class ComplianceQuery extends ReadModelQuery {
  @ApiProperty({ description: "The unit whose subtree's residential branches are counted" })
  @IsRegisterId()
  unitId!: string;

  @ApiProperty({ example: 2024 })
  @Type(() => Number)
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
  ) {}

  @ApiProduces('application/json', CSV_CONTENT_TYPE)
  @Get()
  @ProblemResponses(404, 422, 503)
  @ApiOperation({
    summary:
      "The secretaries of residential branches in the unit's subtree who held the post in the year (from the appointment on), how many completed a course that year, and the untrained by branch; asOf answers for the structure then; text/csv lists the untrained",
  })
  async get(@Query() q: ComplianceQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    // knownAt: what was recorded by then (`until`), on the day asked (today without asOf).
    const asOf = parseAsOfKnownAt(q, { today: () => TrainingFacts.now().date });
    const when: When = !asOf ? TrainingFacts.now() : asOf.kind === 'date' ? { date: asOf.date, until: asOf.knownAt?.getTime() } : { date: asOf.instant.toISOString().slice(0, 10), until: asOf.instant.getTime() };
    checkYearBegun(q.year, when.date);
    if (!this.facts.knowsUnit(q.unitId)) throw new NotFoundError('unit', q.unitId);
    const completed = await this.courses.completedIn(q.year, dayOf(q.year, when), when.until, q.minPosition);
    const answer = compliance(this.facts, q.unitId, q.year, when, completed);
    const body = { unitId: q.unitId, year: q.year, asOf: q.asOf || null, ...answer };
    const csv = sendList(req, reply, { items: answer.untrained, nextCursor: null }, ['branchId', 'memberId', 'since']);
    return typeof csv === 'string' ? csv : body;
  }
}
