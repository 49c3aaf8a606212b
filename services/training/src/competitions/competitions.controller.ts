import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, NotFoundError } from '@register/event-sourcing';
import { checkKeysetCursor, Command, listAnswer, newEntityId, ParseIdPipe, ProblemResponses, ReadModelQuery, RegisterRequest } from '@register/service-kit';
import { ReadModelQueries } from '@register/read-models';
import { TrainingFacts } from '../application/training-facts';
import { TrainingScope } from '../application/training-scope';
import { CompetitionCommands } from './competition-commands.handler';
import { CompetitionDoc, competitionsProjection } from './competitions.projection';
import { AnnounceCompetitionRequest, CompetitionListQuery, EntriesRequest, ResultsRequest } from './competitions.dto';

type Reply = { header(name: string, value: string): unknown };
const view = ({ _id, ...rest }: CompetitionDoc) => ({ id: _id, ...rest });

/** Competitions (Hội thi Bí thư chi đoàn giỏi, cán bộ Đoàn cơ sở giỏi): entrants and awards, the awards published for commendations. */
@ApiTags('training')
@Controller('competitions')
export class CompetitionsController {
  constructor(
    private readonly commands: CompetitionCommands,
    private readonly readModels: ReadModelQueries,
    private readonly facts: TrainingFacts,
    private readonly scope: TrainingScope,
  ) {}

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
  @ApiOperation({ summary: "Competitions with their entrants and awards, by organising unit (its subtree) and year; paged; also text/csv" })
  async list(@Query() q: CompetitionListQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    checkKeysetCursor(q.cursor);
    if (q.organiserUnitId !== undefined && !this.facts.knowsUnit(q.organiserUnitId)) throw new NotFoundError('unit', q.organiserUnitId);
    const filter = { ...(q.organiserUnitId ? { organiserUnitId: { $in: this.facts.unitsUnder(q.organiserUnitId) } } : {}), ...(q.year !== undefined ? { year: q.year } : {}) };
    const competitions = (await this.model(q.minPosition)).collection('competitions');
    const page = async (limit: number, cursor: string | undefined) => {
      const found = await competitions.page(filter, { sort: { heldOn: 1 }, limit, cursor });
      return { items: (found.items as unknown as CompetitionDoc[]).map(view), nextCursor: found.nextCursor };
    };
    // As CSV without a limit, the whole list page after page, as every list answers it.
    return listAnswer({ accept: req.headers.accept, limit: q.limit, cursor: q.cursor }, reply, page, ['id', 'organiserUnitId', 'title', 'heldOn', 'status', 'awards']);
  }

  @Get(':id')
  @ProblemResponses(404, 503)
  @ApiOperation({ summary: 'A competition with its entrants and awards; ETag for If-Match' })
  async get(@Param('id', ParseIdPipe) id: string, @Query() q: ReadModelQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const doc = (await (await this.model(q.minPosition)).collection('competitions').get(id)) as CompetitionDoc | undefined;
    if (!doc) throw new NotFoundError('competition', id);
    this.scope.check(req.actor, doc.organiserUnitId, `competition ${id}`);
    reply.header('etag', `"${doc.version}"`);
    return view(doc);
  }
}
