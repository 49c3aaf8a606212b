import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, NotFoundError } from '@register/event-sourcing';
import { AsOf, checkKeysetCursor, Clock, Command, listAnswer, newEntityId, parseAsOfKnownAt, ParseIdPipe, ProblemResponses, ReadModelOrHistoryQuery, RegisterRequest } from '@register/service-kit';
import { competitionStream } from '@register/contracts';
import { ReadModelQueries } from '@register/read-models';
import { TrainingFacts } from '../application/training-facts';
import { TrainingScope } from '../application/training-scope';
import { TrainingService } from '../application/training.service';
import { Competition, competitionAggregate } from '../domain/competition';
import { CompetitionCommands } from './competition-commands.handler';
import { CompetitionDoc, competitionsProjection } from './competitions.projection';
import { AnnounceCompetitionRequest, CompetitionListQuery, EntriesRequest, ResultsRequest } from './competitions.dto';

type Reply = { header(name: string, value: string): unknown };
const view = ({ _id, ...rest }: CompetitionDoc) => ({ id: _id, ...rest });

/** A competition folded from its log, as the reads show it. */
const foldedView = ({ competitionId, organiserUnitId, title, heldOn, status, entrants, awards, version }: Competition) => ({
  id: competitionId, organiserUnitId, title, heldOn, year: Number(heldOn.slice(0, 4)), status, entrants, awards, version,
});

/** Competitions (Hội thi Bí thư chi đoàn giỏi, cán bộ Đoàn cơ sở giỏi): entrants and awards, the awards published for commendations. */
@ApiTags('training')
@Controller('competitions')
export class CompetitionsController {
  constructor(
    private readonly commands: CompetitionCommands,
    private readonly readModels: ReadModelQueries,
    private readonly facts: TrainingFacts,
    private readonly scope: TrainingScope,
    private readonly training: TrainingService,
    private readonly clock: Clock,
  ) {}

  /** A competition as it stood then, folded from its log; undefined when it was not yet announced (or recorded). */
  private asOf(id: string, asOf: AsOf) {
    return this.training.folded(competitionAggregate, competitionStream(id), 'competition', id, asOf, (c) => c.status !== 'none').then(foldedView, () => undefined);
  }

  @Post()
  @ProblemResponses(409, 422)
  @ApiOperation({ summary: 'Announce a competition of a unit' })
  announce(@Body() b: AnnounceCompetitionRequest, @Command() ctx: CommandContext, @Req() req: RegisterRequest) {
    const competitionId = newEntityId(ctx, b.id);
    return this.commands.announce({ competitionId, organiserUnitId: b.organiserUnitId, title: b.title, heldOn: b.heldOn }, req.actor, { ...ctx, effectiveDate: ctx.effectiveDate ?? b.heldOn });
  }

  @Post(':id/entries')
  @ProblemResponses(404, 409, 422)
  @ApiOperation({ summary: 'Enter active members (409 already-entered, 422 not-an-active-member, results-published, or entry-after-competition: an effectiveDate after the day it was held)' })
  enter(@Param('id', ParseIdPipe) id: string, @Body() b: EntriesRequest, @Command() ctx: CommandContext, @Req() req: RegisterRequest) {
    return this.commands.enter(id, b.memberIds, req.actor, ctx);
  }

  @Post(':id/results')
  @ProblemResponses(404, 409, 422)
  @ApiOperation({ summary: 'The awards, to entrants only, one per member (400), once, after the competition (422 not-an-entrant, results-published, competition-not-held, results-before-competition: an effectiveDate before the day it was held); published for commendations' })
  results(@Param('id', ParseIdPipe) id: string, @Body() b: ResultsRequest, @Command() ctx: CommandContext, @Req() req: RegisterRequest) {
    return this.commands.award(id, b.awards.map((a) => ({ memberId: a.memberId, award: a.award })), req.actor, ctx);
  }

  private model(minPosition?: number) {
    return this.readModels.of(competitionsProjection).require(minPosition);
  }

  @Get()
  @ProblemResponses(404, 503)
  @ApiOperation({ summary: "Competitions with their entrants and awards, by organising unit (its subtree) and year; paged; asOf (and knownAt) shows each as it stood then, leaving out one not yet announced; also text/csv" })
  async list(@Query() q: CompetitionListQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    checkKeysetCursor(q.cursor);
    const asOf = parseAsOfKnownAt(q, this.clock);
    if (q.organiserUnitId !== undefined && !this.facts.knowsUnit(q.organiserUnitId)) throw new NotFoundError('unit', q.organiserUnitId);
    const filter = { ...(q.organiserUnitId ? { organiserUnitId: { $in: this.facts.unitsUnder(q.organiserUnitId, asOf) } } : {}), ...(q.year !== undefined ? { year: q.year } : {}) };
    const competitions = (await this.model(q.minPosition)).collection('competitions');
    const page = async (limit: number, cursor: string | undefined) => {
      const found = await competitions.page(filter, { sort: { heldOn: 1 }, limit, cursor });
      const docs = found.items as unknown as CompetitionDoc[];
      // asOf: today's page, each folded from its log as of then (a page may come out shorter than its limit; its cursor goes on).
      const items = !asOf ? docs.map(view) : (await Promise.all(docs.map((d) => this.asOf(d._id, asOf)))).filter((c) => c !== undefined);
      return { items, nextCursor: found.nextCursor };
    };
    // As CSV without a limit, the whole list page after page, as every list answers it.
    return listAnswer({ accept: req.headers.accept, limit: q.limit, cursor: q.cursor }, reply, page, ['id', 'organiserUnitId', 'title', 'heldOn', 'status', 'awards']);
  }

  @Get(':id')
  @ProblemResponses(404, 503)
  @ApiOperation({ summary: 'A competition with its entrants and awards; asOf (and knownAt) folds the log; ETag for If-Match' })
  async get(@Param('id', ParseIdPipe) id: string, @Query() q: ReadModelOrHistoryQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const asOf = parseAsOfKnownAt(q, this.clock);
    const found = asOf ? await this.asOf(id, asOf) : await this.today(id, q.minPosition);
    if (!found) throw new NotFoundError('competition', id);
    this.scope.check(req.actor, found.organiserUnitId, `competition ${id}`);
    reply.header('etag', `"${found.version}"`);
    return found;
  }

  private async today(id: string, minPosition?: number) {
    const doc = (await (await this.model(minPosition)).collection('competitions').get(id)) as CompetitionDoc | undefined;
    return doc && view(doc);
  }
}
