import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, NotFoundError } from '@register/event-sourcing';
import { Command, CsvColumn, decodeNameCursor, listAnswer, nameKey, newEntityId, Page, paginate, ParseIdPipe, ReadModelOrHistoryQuery, RegisterRequest } from '@register/service-kit';
import { noRevision, StructureService } from '../application/structure.service';
import { ancestry, branchView } from '../application/views';
import { lineageOf, searchBranches } from '../directory/directory-query';
import { DirectoryReads } from '../directory/directory-read-model';
import { sortKey } from '@register/text';
import { PeopleReplica } from '../people/people-replica';
import { branchDecider } from './branch-commands';
import { BranchDirectoryQuery, DissolveBranchRequest, EstablishBranchRequest, MoveBranchRequest, RenameBranchRequest } from './branches.dto';

type Reply = { header(name: string, value: string): unknown };
type BranchRow = ReturnType<typeof branchView>;

/** The branch list as CSV (Accept: text/csv). */
const BRANCH_CSV_COLUMNS: Array<CsvColumn<BranchRow>> = [
  'id',
  'name',
  'parentUnitId',
  'status',
  ['areaKind', (b) => b.area?.kind],
  ['areaName', (b) => b.area?.name],
  'establishedOn',
  'closedOn',
];

/** Branches (chi đoàn): establish, rename, move, dissolve; the directory; each branch's lineage. */
@ApiTags('branches')
@Controller('branches')
export class BranchesController {
  constructor(
    private readonly structure: StructureService,
    private readonly people: PeopleReplica,
    private readonly directory: DirectoryReads,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Establish a branch; a residential branch names its area' })
  establish(@Body() body: EstablishBranchRequest, @Command() ctx: CommandContext) {
    const branchId = newEntityId(ctx, body.id);
    // If-Match names the parent unit as read: the new branch has no version yet.
    const command = { type: 'EstablishBranch' as const, branchId, parentUnitId: body.parentUnitId, name: body.name, area: body.area ?? null, parentIfVersion: ctx.expectedRevision };
    return this.structure.execute(branchDecider, command, noRevision(ctx), { kind: 'branch', id: branchId });
  }

  @Get()
  @ApiOperation({
    summary: 'The branch directory: parentUnitId (whole subtree), q (with or without diacritics), hasSecretary, hasMembers, status, asOf; minPosition waits for the read model',
  })
  async list(@Query() query: BranchDirectoryQuery, @Req() req: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const asOf = this.structure.asOf(query);
    // A unit the register has never named is 404 (not an empty list), as on every read by unit.
    if (query.parentUnitId !== undefined && !(await this.structure.structure()).units.has(query.parentUnitId)) throw new NotFoundError('unit', query.parentUnitId);
    // Today: the branch-directory read model, unless a change is pending (then today's fold, as asOf today). asOf: history, folded from the log.
    const today = asOf ? undefined : await this.structure.today();
    // hasMembers/hasSecretary: the people of that day (as known then, with knownAt), as personnel's events told them.
    const folded = today?.structure ?? (await this.structure.structure(asOf));
    // A unit not yet standing on the axes asked is 404, as its tree is (an empty list said it stood, with no branch).
    if (asOf && query.parentUnitId !== undefined && !folded.units.has(query.parentUnitId)) {
      throw new NotFoundError('unit', query.parentUnitId, `unit ${query.parentUnitId} did not stand on the day asked, as the register knew it then (GET /units/${query.parentUnitId} says when it was established)`);
    }
    const found = today && !today.pending ? undefined : searchBranches(folded, query, this.people.on(asOf));
    const page = async (limit: number, cursor: string | undefined): Promise<Page<BranchRow>> => {
      if (!found) return this.directory.list({ ...query, limit, cursor }) as Promise<Page<BranchRow>>;
      decodeNameCursor(cursor); // the read model's cursor format: anything else is 400, not an empty page
      const p = paginate(found, (b) => nameKey(sortKey(b.name), b.id), limit, cursor);
      return { items: p.items.map(branchView), nextCursor: p.nextCursor };
    };
    return listAnswer({ accept: req.headers.accept, limit: query.limit, cursor: query.cursor }, reply, page, BRANCH_CSV_COLUMNS);
  }

  @Get(':id')
  async get(@Param('id', ParseIdPipe) id: string, @Query() query: ReadModelOrHistoryQuery, @Res({ passthrough: true }) reply: Reply) {
    const when = this.structure.asOf(query);
    const { structure: s, live } = when ? { structure: await this.structure.structure(when), live: undefined } : await this.structure.today();
    const branch = s.branches.get(id);
    if (!branch) throw new NotFoundError('branch', id);
    // Today's version is the recorded one, pending changes included: the ETag a write's If-Match names.
    const version = live?.branches.get(id)?.version ?? branch.version;
    reply.header('etag', `"${version}"`);
    return { ...branchView(branch), version, path: ancestry(s, branch.parentUnitId) };
  }

  @Get(':id/lineage')
  @ApiOperation({ summary: 'Every predecessor and successor of a branch, through mergers and splits (today from the read model; asOf folded from the log)' })
  async lineage(@Param('id', ParseIdPipe) id: string, @Query() query: ReadModelOrHistoryQuery) {
    const asOf = this.structure.asOf(query);
    const today = asOf ? undefined : await this.structure.today();
    if (today && !today.pending) return this.directory.lineage(id, query.minPosition);
    const s = today?.structure ?? (await this.structure.structure(asOf));
    if (!s.branches.has(id)) throw new NotFoundError('branch', id);
    const { predecessors, successors } = lineageOf(s, id);
    return { branch: branchView(s.branches.get(id)!), predecessors: predecessors.map(branchView), successors: successors.map(branchView) };
  }

  @Post(':id/moves')
  move(@Param('id', ParseIdPipe) id: string, @Body() body: MoveBranchRequest, @Command() ctx: CommandContext) {
    return this.structure.execute(branchDecider, { type: 'MoveBranch', branchId: id, toUnitId: body.toUnitId, ifVersion: ctx.expectedRevision }, noRevision(ctx), { kind: 'branch', id });
  }

  @Post(':id/renames')
  rename(@Param('id', ParseIdPipe) id: string, @Body() body: RenameBranchRequest, @Command() ctx: CommandContext) {
    const command = { type: 'RenameBranch' as const, branchId: id, name: body.name, area: body.area, ifVersion: ctx.expectedRevision };
    return this.structure.execute(branchDecider, command, noRevision(ctx), { kind: 'branch', id });
  }

  @Post(':id/dissolution')
  dissolve(@Param('id', ParseIdPipe) id: string, @Body() _body: DissolveBranchRequest, @Command() ctx: CommandContext) {
    const arrivals = this.people.arrivingAfter(id, this.structure.dayOf(ctx));
    return this.structure.execute(branchDecider, { type: 'DissolveBranch', branchId: id, ifVersion: ctx.expectedRevision, arrivals }, noRevision(ctx), { kind: 'branch', id });
  }
}
