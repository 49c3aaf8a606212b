import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError, CommandContext } from '@register/event-sourcing';
import { Command, newEntityId, ParseIdPipe, ReadModelOrHistoryQuery } from '@register/service-kit';
import { noRevision, StructureService } from '../application/structure.service';
import { ancestry, unitView } from '../application/views';
import { lineageIn } from '../domain/lineage';
import { treeOf } from '../tree/tree-query';
import { TreeReads } from '../tree/tree-read-model';
import { unitDecider } from './unit-commands';
import { DissolveUnitRequest, EstablishUnitRequest, MoveUnitRequest, RenameUnitRequest, TreeQuery } from './units.dto';

type Reply = { header(name: string, value: string): unknown };

/** Union units: establish, rename, move, dissolve; read one, its subtree or its lineage, now or as of a date. */
@ApiTags('units')
@Controller('units')
export class UnitsController {
  constructor(
    private readonly structure: StructureService,
    private readonly trees: TreeReads,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Establish a union unit', description: 'There is one central committee: a second one, while it is active, is refused with 409 `central-committee-exists` naming it (`unitId`).' })
  establish(@Body() body: EstablishUnitRequest, @Command() ctx: CommandContext) {
    const unitId = newEntityId(ctx, body.id);
    // If-Match names the parent unit as read: the new unit has no version yet.
    const command = { type: 'EstablishUnit' as const, unitId, kind: body.kind, name: body.name, parentId: body.parentId ?? null, parentIfVersion: ctx.expectedRevision };
    return this.structure.execute(unitDecider, command, noRevision(ctx), { kind: 'unit', id: unitId });
  }

  @Get(':id')
  async get(@Param('id', ParseIdPipe) id: string, @Query() query: ReadModelOrHistoryQuery, @Res({ passthrough: true }) reply: Reply) {
    const when = this.structure.asOf(query);
    const { structure: s, live } = when ? { structure: await this.structure.structure(when), live: undefined } : await this.structure.today();
    const unit = s.units.get(id);
    if (!unit) throw new NotFoundError('unit', id);
    // Today's version is the recorded one, pending changes included: the ETag a write's If-Match names.
    const version = live?.units.get(id)?.version ?? unit.version;
    reply.header('etag', `"${version}"`);
    return { ...unitView(unit), version, path: ancestry(s, unit.parentId) };
  }

  @Get(':id/tree')
  @ApiOperation({ summary: 'The subtree with counts; closed units and branches below it only with includeClosed=true (a closed unit asked for itself is shown with its status); today from the read model (minPosition waits for it), asOf folded from the log' })
  async tree(@Param('id', ParseIdPipe) id: string, @Query() query: TreeQuery) {
    const asOf = this.structure.asOf(query);
    const levels = query.depth === undefined ? Infinity : Math.max(0, Math.min(20, Number(query.depth) || 0));
    const includeClosed = query.includeClosed === 'true';
    // Today: the unit-tree read model, unless a change is pending (then today's fold, as asOf today answers).
    const today = asOf ? undefined : await this.structure.today();
    if (today && !today.pending) return this.trees.tree(id, { includeClosed, depth: levels, minPosition: query.minPosition });
    return treeOf(today?.structure ?? (await this.structure.structure(asOf)), id, includeClosed, levels);
  }

  @Get(':id/lineage')
  @ApiOperation({ summary: 'Every predecessor and successor of a unit through commune and province mergers, now or as of a date or instant (folded from the log)' })
  async lineage(@Param('id', ParseIdPipe) id: string, @Query() query: ReadModelOrHistoryQuery) {
    // Folded, never a read model: minPosition has nothing to wait for. Today is what asOf today folds (a merger dated later is pending).
    const asOf = this.structure.asOf(query);
    const s = asOf ? await this.structure.structure(asOf) : (await this.structure.today()).structure;
    const unit = s.units.get(id);
    if (!unit) throw new NotFoundError('unit', id);
    const { predecessors, successors } = lineageIn(s.units, id);
    return { unit: unitView(unit), predecessors: predecessors.map(unitView), successors: successors.map(unitView) };
  }

  @Post(':id/moves')
  @ApiOperation({ summary: 'Re-parent a unit (e.g. a commune union under the province after the district is abolished)' })
  move(@Param('id', ParseIdPipe) id: string, @Body() body: MoveUnitRequest, @Command() ctx: CommandContext) {
    return this.structure.execute(unitDecider, { type: 'MoveUnit', unitId: id, toParentId: body.toParentId, ifVersion: ctx.expectedRevision }, noRevision(ctx), { kind: 'unit', id });
  }

  @Post(':id/renames')
  rename(@Param('id', ParseIdPipe) id: string, @Body() body: RenameUnitRequest, @Command() ctx: CommandContext) {
    return this.structure.execute(unitDecider, { type: 'RenameUnit', unitId: id, name: body.name, ifVersion: ctx.expectedRevision }, noRevision(ctx), { kind: 'unit', id });
  }

  @Post(':id/dissolution')
  @HttpCode(201)
  async dissolve(@Param('id', ParseIdPipe) id: string, @Body() _body: DissolveUnitRequest, @Command() ctx: CommandContext) {
    const openOnTheDay = await this.structure.openUnder(id, this.structure.dayOf(ctx));
    return this.structure.execute(unitDecider, { type: 'DissolveUnit', unitId: id, ifVersion: ctx.expectedRevision, openOnTheDay }, noRevision(ctx), { kind: 'unit', id });
  }
}
