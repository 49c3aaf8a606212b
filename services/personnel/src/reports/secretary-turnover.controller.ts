import { Controller, Get, Injectable, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { dayBefore } from '@register/contracts';
import { NotFoundError } from '@register/event-sourcing';
import { Clock, CSV_CONTENT_TYPE, csvAnswer, IsCalendarDate, ParseIdPipe, ReadModelQuery, RegisterRequest, REPORT_CSV_COLUMNS, reportRows, ValidationFailed, wantsCsv } from '@register/service-kit';
import { BranchReplica } from '../application/branch-replica';
import { OfficerPostsReads } from '../officers/officer-posts.read-model';
import { Period, secretaryTurnover, SecretaryPost, TurnoverBranch } from './secretary-turnover';

type Reply = { header(name: string, value: string): unknown };

/** The period of the report, both days included. */
export class TurnoverQuery extends ReadModelQuery {
  @ApiProperty({ example: '2018-01-01', description: 'The first day of the period' })
  @IsCalendarDate()
  from!: string;

  @ApiProperty({ example: '2020-12-31', description: 'The last day of the period, not before from' })
  @IsCalendarDate()
  to!: string;
}

/**
 * The facts of the report: the branches of the unit's subtree as the structure stood on each day of
 * the period (organisation's events in personnel's replica, by effective date: a district
 * abolished since still answers), with every secretary's post from `officer-posts`.
 */
@Injectable()
export class SecretaryTurnoverReads {
  constructor(
    private readonly replica: BranchReplica,
    private readonly posts: OfficerPostsReads,
  ) {}

  async report(unitId: string, period: Period, minPosition?: number) {
    if (!this.replica.knowsUnit(unitId)) throw new NotFoundError('unit', unitId);
    // Its branches are those of the period's last day: a unit closed by then has none, and answers 404 as its summary does.
    const closed = this.replica.unitClosedOn(unitId);
    if (closed && closed <= period.to) {
      throw new NotFoundError('unit', unitId, `unit ${unitId} closed on ${closed} (dissolved or merged), on or before ${period.to}: ask its turnover with to=${dayBefore(closed)} or earlier, or its successor's (GET /units/${unitId}/lineage)`);
    }
    const established = this.replica.unitEstablishedOn(unitId);
    if (established && established > period.to) {
      throw new NotFoundError('unit', unitId, `unit ${unitId} was established on ${established}, after ${period.to}: ask a period that reaches it (its summary answers so too)`);
    }
    // With the branches of the units merged into it (a hamlet they closed before included), as its summary and compliance count them (a probe found them lost).
    // Merged by the period's last day: one dated later is not its yet (a probe saw it counted at once).
    const units = [unitId, ...this.replica.unitsMergedInto(unitId, period.to)];
    // Not those closed before the period began: nothing of theirs falls in it (a probe counted 4 branches where the period had 2).
    // One closed on its first day is in it: its secretary's departure is that day's (a probe lost a merger's so).
    const open = (id: string) => (this.replica.get(id)?.closedOn ?? '9999-12-31') >= period.from;
    const standsOn = this.standsOn(units, period);
    const all = standsOn.branches;
    const docs = await this.posts.branches(all, minPosition);
    const branch = (branchId: string): TurnoverBranch => ({
      branchId,
      closedOn: this.replica.get(branchId)?.closedOn ?? null,
      secretaries: (docs.get(branchId)?.posts ?? []).filter((p) => p.role === 'secretary') as SecretaryPost[],
    });
    // Those closed before it still give a secretary carried on into a successor the start of their spell.
    return { unitId, ...secretaryTurnover(all.filter(open).map(branch), period, all.filter((id) => !open(id)).map(branch), standsOn.on) };
  }

  /**
   * The branches that stood in the units' subtrees on some day of the period, and on which days:
   * a departure counts where its branch stood that day, not where it stands on `to` (a probe saw a
   * branch moved to another commune take its earlier departures with it). The subtree changes only
   * on the days something was placed: it is drawn for each of them, and each branch keeps the
   * spans it stood in, so that no more than two subtrees are held at once.
   */
  private standsOn(units: string[], period: Period) {
    const days = [period.from, ...this.replica.placementDaysWithin(period.from, period.to)];
    const spans = new Map<string, Array<{ from: string; until: string | null }>>();
    let before = new Set<string>();
    for (const day of days) {
      const now = new Set(units.flatMap((u) => this.replica.branchesUnder(u, { kind: 'date', date: day })));
      for (const b of now) if (!before.has(b)) spans.set(b, [...(spans.get(b) ?? []), { from: day, until: null }]);
      for (const b of before) if (!now.has(b)) spans.get(b)!.at(-1)!.until = day;
      before = now;
    }
    const on = (branchId: string, day: string) => (spans.get(branchId) ?? []).some((s) => s.from <= day && (s.until === null || day < s.until));
    return { branches: [...spans.keys()].sort(), on };
  }
}

@ApiTags('reports')
@Controller('reports/units/:id')
export class SecretaryTurnoverController {
  constructor(
    private readonly reads: SecretaryTurnoverReads,
    private readonly clock: Clock,
  ) {}

  @Get('secretary-turnover')
  @ApiProduces('application/json', CSV_CONTENT_TYPE)
  @ApiOperation({
    summary:
      "Secretary turnover in a unit's subtree over a period: departures by cause, tenure (average, median), vacancies and how long they lasted, branches whose secretary changed more than once, and the sources of those who stayed longest (the branches of the subtree on `to`; a unit closed by then is 404 naming the day to ask); text/csv: one row per figure (section, measure, key, value)",
  })
  async turnover(@Param('id', ParseIdPipe) unitId: string, @Query() query: TurnoverQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    if (query.from > query.to) throw new ValidationFailed([{ field: 'to', rule: 'not-before-from', message: `to (${query.to}) must not be before from (${query.from})` }]);
    const report = await this.reads.report(unitId, { from: query.from, to: query.to, today: this.clock.today() }, query.minPosition);
    // CSV (api.md: lists and reports): the nested report as one row per figure (docs/reports.md)
    return wantsCsv(req.headers.accept) ? csvAnswer(reply, REPORT_CSV_COLUMNS, reportRows(report)) : report;
  }
}
