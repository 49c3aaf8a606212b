import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CommandContext } from '@register/event-sourcing';
import { Command, newEntityId } from '@register/service-kit';
import { noRevision, StructureService } from '../application/structure.service';
import { PeopleReplica } from '../people/people-replica';
import { planReorganisation } from './dry-run';
import { checkIfMatchOnNew } from './if-match-on-new';
import { MergeBranches, mergeDecider } from './merge-branches';
import { BranchMergerRequest, BranchSplitRequest, splitOf } from './reorganisation.dto';
import { SplitBranch, splitDecider } from './split-branch';

type Reply = { status(code: number): unknown };

/** Mergers and splits of branches after hamlet and commune consolidation, with dry runs. */
@ApiTags('reorganisation')
@Controller()
export class ReorganisationController {
  constructor(
    private readonly structure: StructureService,
    private readonly people: PeopleReplica,
  ) {}

  @Post('branch-mergers')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Merge branches into an existing or a new branch; dryRun answers what would happen and changes nothing',
    description: '`into` is either `{ branchId }` or `{ name, area?, parentUnitId?, id? }`; both, or neither, is 400 with rule `one-of` on field `into`.',
  })
  @ApiResponse({ status: 201, description: 'Merged: `{ mergerId, id (the successor), revision, position }`' })
  @ApiResponse({ status: 200, description: 'Dry run: the plan (events, branches closed and opened, members moving, officer conflicts, posts ending, ratings carried); nothing changed' })
  async merge(@Body() body: BranchMergerRequest, @Command() ctx: CommandContext, @Res({ passthrough: true }) reply: Reply) {
    const mergerId = newEntityId(ctx, undefined, 'merger');
    // If-Match names the branch merged into, as read; a new one has no version yet to name.
    if (body.into.branchId === undefined) checkIfMatchOnNew(ctx, 'branch');
    const into: MergeBranches['into'] = body.into.branchId !== undefined
      ? { branchId: body.into.branchId, ifVersion: ctx.expectedRevision }
      : { newBranchId: newEntityId(ctx, body.into.id, 'successor'), name: body.into.name!, area: body.into.area ?? null, parentUnitId: body.into.parentUnitId };
    const command: MergeBranches = { type: 'MergeBranches', mergerId, sourceBranchIds: body.sourceBranchIds, into };
    const target = 'newBranchId' in into ? into.newBranchId : body.into.branchId!;
    if (body.dryRun) {
      this.structure.checkDecision(ctx);
      reply.status(200);
      return planReorganisation(command, await this.structure.structure(), this.people, this.structure.dayOf(ctx));
    }
    return { mergerId, ...(await this.structure.execute(mergeDecider, command, noRevision(ctx), { kind: 'branch', id: target })) };
  }

  @Post('branch-splits')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Split a branch into successors that divide its members; dryRun changes nothing',
    description:
      'A branch without members must not exist after a reorganisation: a successor that would get none of the source\'s members (as this service knows them from personnel\'s events) is refused with 422 `empty-successor` (`emptySuccessorIds`), and so is a split of a branch with no known members. ' +
      'The dry run lists them instead, in `emptySuccessors`, with `membersUnassigned`: the source\'s members that no part lists; `wouldBeRefused` then gives the 422 the real run would answer (null when it would be recorded). ' +
      'A split recorded late: members in the branch on its day who have moved to another branch since may be listed (their days between are restated in their part), and must be: 422 `split-former-member-unlisted` (`memberIds`; the dry run lists them in `formerMembersUnlisted`).',
  })
  @ApiResponse({ status: 201, description: 'Split: `{ splitId, successorIds, id, revision, position }`' })
  @ApiResponse({ status: 200, description: 'Dry run: the plan (as a merger\'s, with membersUnassigned, emptySuccessors and wouldBeRefused); nothing changed' })
  async split(@Body() body: BranchSplitRequest, @Command() ctx: CommandContext, @Res({ passthrough: true }) reply: Reply) {
    const { sourceBranchId, parts: asked } = splitOf(body);
    const splitId = newEntityId(ctx, undefined, 'split');
    const parts = asked.map((p, i) => ({ branchId: newEntityId(ctx, p.id, `part-${i}`), name: p.name, area: p.area ?? null, parentUnitId: p.parentUnitId, memberIds: p.memberIds }));
    const formerMemberIds = this.people.leftSince(sourceBranchId, this.structure.dayOf(ctx));
    const command: SplitBranch = { type: 'SplitBranch', splitId, sourceBranchId, parts, knownMemberIds: this.people.membersOf(sourceBranchId), formerMemberIds, ifVersion: ctx.expectedRevision };
    if (body.dryRun) {
      this.structure.checkDecision(ctx);
      reply.status(200);
      return planReorganisation(command, await this.structure.structure(), this.people, this.structure.dayOf(ctx));
    }
    const answer = await this.structure.execute(splitDecider, command, noRevision(ctx), { kind: 'branch', id: sourceBranchId });
    return { splitId, successorIds: parts.map((p) => p.branchId), ...answer };
  }
}
