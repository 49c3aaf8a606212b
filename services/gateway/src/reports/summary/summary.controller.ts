import { Controller, Get, Headers, Optional, Param, Query, Res } from '@nestjs/common';
import { calendarDayOf } from '@register/event-sourcing';
import { ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { checkYearBegun, Clock, CSV_CONTENT_TYPE, csvAnswer, parseAsOfKnownAt, ProblemResponses, REPORT_CSV_COLUMNS, preferredType, reportRows } from '@register/service-kit';
import { askedAsOf, reportDay } from './report-day';
import { minPositionsOf, SummaryParams, SummaryQuery } from './summary.dto';
import { inGradeOrder } from './summary';
import { SummaryReadModel } from './summary.read-model';
import { summaryWorkbook, XLSX_TYPE } from './summary-xlsx';

export { reportDay };

type Reply = { header(name: string, value: string): unknown };

/** District offices' yearly figures, from the events of every service. */
@ApiTags('reports')
@Controller('reports/units')
export class SummaryController {
  constructor(
    private readonly reads: SummaryReadModel,
    @Optional() private readonly clock?: Clock,
  ) {}

  @Get(':id/summary')
  @ApiParam({ name: 'id', description: "The unit's id" })
  @ProblemResponses(404, 422, 503)
  @ApiProduces('application/json', XLSX_TYPE, CSV_CONTENT_TYPE)
  @ApiOperation({
    summary: "A unit's subtree for a year: branches, members, secretaries, ratings, training, the Party, commendations; structure, membership and posts as on asOf (default: the year's end), year counts over the year up to that day, the year's ratings and commendations as decided by asOf (without it: as known now, every decision recorded so far, and `decisionsAsOf` is null); with knownAt (or an instant asOf), as the register had recorded it by that instant; also .xlsx, and text/csv (one row per figure: section, measure, key, value)",
  })
  async summary(@Param() params: SummaryParams, @Query() query: SummaryQuery, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: Reply) {
    const today = this.clock?.today() ?? calendarDayOf(new Date());
    const { day: asOf, recordedBy } = askedAsOf(parseAsOfKnownAt(query, { today: () => today }), query.asOf !== undefined);
    const { year, day } = reportDay(query.year, asOf, today);
    checkYearBegun(year, day);
    // without asOf: the stored rollups (the year's default day, its ratings as known now); with it, the year's decisions as decided by then
    const summary = inGradeOrder(
      recordedBy
        ? await this.reads.asRecorded(params.id, year, day, recordedBy, asOf)
        : await this.reads.summary(params.id, year, day, minPositionsOf(query.minPosition), asOf),
    );
    // CSV (api.md: lists and reports): the nested answer as one row per figure (docs/reports.md)
    const type = preferredType(accept, ['application/json', XLSX_TYPE, 'text/csv']);
    if (type !== XLSX_TYPE) return type === 'text/csv' ? csvAnswer(reply, REPORT_CSV_COLUMNS, reportRows(summary)) : summary;
    reply.header('content-type', XLSX_TYPE);
    reply.header('content-disposition', `attachment; filename="summary-${params.id}-${year}.xlsx"`);
    return summaryWorkbook(summary);
  }
}
