import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError, CommandContext } from '@register/event-sourcing';
import { Command, newEntityId, parseAsOf, ParseIdPipe } from '@register/service-kit';
import { StructureService } from '../application/structure.service';
import { ancestry, unitView } from '../application/views';
import { treeOf } from '../tree/tree-query';
import { DissolveUnitRequest, EstablishUnitRequest, MoveUnitRequest, RenameUnitRequest } from './units.dto';

type Reply = { header(name: string, value: string): unknown };

/** Union units: establish, rename, move, dissolve; read one, or its subtree, now or as of a date. */
@ApiTags('units')
@Controller('units')
export class UnitsController {
  constructor(private readonly structure: StructureService) {}

  @Post()
  @ApiOperation({ summary: 'Establish a union unit' })
  establish(@Body() body: EstablishUnitRequest, @Command() ctx: CommandContext) {
    const unitId = newEntityId(ctx, body.id);
    return this.structure.execute({ type: 'EstablishUnit', unitId, kind: body.kind, name: body.name, parentId: body.parentId ?? null }, ctx, { kind: 'unit', id: unitId });
  }

  @Get(':id')
  async get(@Param('id', ParseIdPipe) id: string, @Query('asOf') asOf: string | undefined, @Res({ passthrough: true }) reply: Reply) {
    const s = await this.structure.structure(parseAsOf(asOf));
    const unit = s.units.get(id);
    if (!unit) throw new NotFoundError('unit', id);
    reply.header('etag', `"${unit.version}"`);
    return { ...unitView(unit), path: ancestry(s, unit.parentId) };
  }

  @Get(':id/tree')
  @ApiOperation({ summary: 'The subtree with counts; closed units and branches only with includeClosed=true' })
  async tree(@Param('id', ParseIdPipe) id: string, @Query('asOf') asOf?: string, @Query('includeClosed') includeClosed?: string, @Query('depth') depth?: string) {
    const s = await this.structure.structure(parseAsOf(asOf));
    const levels = depth === undefined ? Infinity : Math.max(0, Math.min(20, Number(depth) || 0));
    return treeOf(s, id, includeClosed === 'true', levels);
  }

  @Post(':id/moves')
  @ApiOperation({ summary: 'Re-parent a unit (e.g. a commune union under the province after the district is abolished)' })
  move(@Param('id', ParseIdPipe) id: string, @Body() body: MoveUnitRequest, @Command() ctx: CommandContext) {
    return this.structure.execute({ type: 'MoveUnit', unitId: id, toParentId: body.toParentId, ifVersion: ctx.expectedRevision }, noRevision(ctx), { kind: 'unit', id });
  }

  @Post(':id/renames')
  rename(@Param('id', ParseIdPipe) id: string, @Body() body: RenameUnitRequest, @Command() ctx: CommandContext) {
    return this.structure.execute({ type: 'RenameUnit', unitId: id, name: body.name, ifVersion: ctx.expectedRevision }, noRevision(ctx), { kind: 'unit', id });
  }

  @Post(':id/dissolution')
  @HttpCode(201)
  dissolve(@Param('id', ParseIdPipe) id: string, @Body() _body: DissolveUnitRequest, @Command() ctx: CommandContext) {
    return this.structure.execute({ type: 'DissolveUnit', unitId: id, ifVersion: ctx.expectedRevision }, noRevision(ctx), { kind: 'unit', id });
  }
}

/** If-Match names the entity's version, checked by the decider; the stream itself may have moved on. */
export const noRevision = (ctx: CommandContext): CommandContext => ({ ...ctx, expectedRevision: undefined });
