import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '@register/event-sourcing';
import { Command, newEntityId, ValidationFailed } from '@register/service-kit';
import { noRevision, StructureService } from '../application/structure.service';
import { PeopleReplica } from '../people/people-replica';
import { checkIfMatchOnNew } from './if-match-on-new';
import { MergeUnits, unitMergeDecider } from './merge-units';
import { unitMergerFieldErrors, UnitMergerRequest } from './unit-merger.dto';
import { planUnitMerger } from './unit-merger-plan';

type Reply = { status(code: number): unknown };

/** RFC 9457 problem details, as libs/service-kit's toProblem answers them. */
const problem = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    rule: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, rule: { type: 'string' }, message: { type: 'string' } } } },
  },
};
const problemResponse = (status: number, description: string) => ApiResponse({ status, description, content: { 'application/problem+json': { schema: problem } } });

/** Mergers of communes and provinces (the 2025 reform), with dry runs. */
@ApiTags('reorganisation')
@Controller()
export class UnitMergersController {
  constructor(
    private readonly structure: StructureService,
    private readonly people: PeopleReplica,
  ) {}

  @Post('unit-mergers')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Merge communes (grassroots unions) or provinces into an existing or a new unit; dryRun answers what would happen and changes nothing',
    description:
      'The sources\' active child units and branches move to the successor, and the sources end (status `merged`, `successorIds`); the successor lists them in `predecessorIds` (`GET /units/{id}/lineage`). ' +
      '`into` is either `{ unitId }` or `{ name, kind, parentId, id? }`; both, or neither, is 400 with rule `one-of`. If-Match names the version of the unit that absorbs the sources. ' +
      'Refusals: 422 `source-unit-merged`/`-dissolved`/`-unknown`, `unit-kind-not-mergeable` (the central committee, districts), `merge-sources-of-different-kinds`, `merge-sources-nested`, `merge-target-of-another-kind`, `merge-target-inside-source`; ' +
      '409 `branch-name-taken` when two active branches would share a name in the successor (the dry run lists them in `branchNameClashes`).',
  })
  @ApiBody({ type: UnitMergerRequest })
  @ApiResponse({ status: 201, description: 'Merged: `{ mergerId, id (the successor), revision (also as version), position }`' })
  @ApiResponse({ status: 200, description: 'Dry run: the plan (events, units closed and moving, branches moving with members, people following, branch name clashes); nothing changed' })
  @problemResponse(400, 'The body breaks a field rule (`errors` names each field)')
  @problemResponse(403, 'A source or the successor lies outside the caller\'s scope')
  @problemResponse(409, 'Branch names clash in the successor, the new unit\'s id is taken, or If-Match is stale')
  @problemResponse(422, 'A rule of the structure refuses the merger (`rule`)')
  async merge(@Body() body: UnitMergerRequest, @Command() ctx: CommandContext, @Res({ passthrough: true }) reply: Reply) {
    const errors = unitMergerFieldErrors(body);
    if (errors.length) throw new ValidationFailed(errors);
    if (body.into.unitId === undefined) checkIfMatchOnNew(ctx, 'unit');
    const mergerId = newEntityId(ctx, undefined, 'unit-merger');
    const into: MergeUnits['into'] = body.into.unitId !== undefined
      ? { unitId: body.into.unitId, ifVersion: ctx.expectedRevision }
      : { newUnitId: newEntityId(ctx, body.into.id, 'successor'), name: body.into.name!, kind: body.into.kind!, parentId: body.into.parentId! };
    const command: MergeUnits = { type: 'MergeUnits', mergerId, sourceUnitIds: body.sourceUnitIds, into, on: this.structure.dayOf(ctx) };
    if (body.dryRun) {
      this.structure.checkDecision(ctx);
      reply.status(200);
      return planUnitMerger(command, await this.structure.structure(), this.people, this.structure.dayOf(ctx));
    }
    const target = 'unitId' in into ? into.unitId : into.newUnitId;
    return { mergerId, ...(await this.structure.execute(unitMergeDecider, command, noRevision(ctx), { kind: 'unit', id: target })) };
  }
}
