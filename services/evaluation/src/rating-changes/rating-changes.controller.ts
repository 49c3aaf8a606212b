import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, NotFoundError } from '@register/event-sourcing';
import { Command, ParseIdPipe } from '@register/service-kit';
import { EvaluationService } from '../application/evaluation.service';
import { parseRatingId, ratingIdOfChange } from '../domain/periods';
import { proposalDecider, settlementDecider } from './rating-changes';
import { ProposeRatingChangeRequest, SettleRatingChangeRequest } from './rating-changes.dto';

/** Changes of decided ratings, with four eyes: proposed by one person, approved or rejected by another. */
@ApiTags('rating-changes')
@Controller('rating-changes')
export class RatingChangesController {
  constructor(private readonly evaluation: EvaluationService) {}

  @Post()
  @ApiOperation({ summary: 'Propose a change of a decided rating (If-Match: the rating\'s ETag): 404 unknown rating, 409 change-pending, 422 not-decided, same-grade, grade-not-in-scale or change-before-decision (effectiveDate before the grade it changes took effect). Answers the change\'s id' })
  propose(@Body() body: ProposeRatingChangeRequest, @Command() ctx: CommandContext) {
    if (!parseRatingId(body.ratingId)) throw new NotFoundError('rating', body.ratingId);
    const command = { type: 'ProposeRatingChange' as const, ratingId: body.ratingId, grade: body.grade, actor: ctx.actor, on: ctx.effectiveDate ?? this.evaluation.today() };
    // a retry with the same Idempotency-Key answers the change the first run proposed
    return this.evaluation.onRating(proposalDecider, body.ratingId, command, ctx, async (r) => proposedId((await this.evaluation.appendedBy(body.ratingId, r))[0]?.data, body.ratingId));
  }

  @Post(':id/approval')
  @ApiOperation({ summary: 'Approve a proposed change, by another person than its proposer (422 four-eyes), on or after the day it was proposed (422 settled-before-proposal); 409 change-settled' })
  approve(@Param('id', ParseIdPipe) changeId: string, @Body() _body: SettleRatingChangeRequest, @Command() ctx: CommandContext) {
    return this.settle(changeId, 'approval', ctx);
  }

  @Post(':id/rejection')
  @ApiOperation({ summary: 'Reject a proposed change, by another person than its proposer (422 four-eyes), on or after the day it was proposed (422 settled-before-proposal); 409 change-settled' })
  reject(@Param('id', ParseIdPipe) changeId: string, @Body() _body: SettleRatingChangeRequest, @Command() ctx: CommandContext) {
    return this.settle(changeId, 'rejection', ctx);
  }

  private settle(changeId: string, outcome: 'approval' | 'rejection', ctx: CommandContext) {
    const ratingId = ratingIdOfChange(changeId);
    if (!ratingId || !parseRatingId(ratingId)) throw new NotFoundError('rating-change', changeId);
    return this.evaluation.onRating(settlementDecider, ratingId, { type: 'SettleRatingChange' as const, ratingId, changeId, outcome, actor: ctx.actor, on: ctx.effectiveDate ?? this.evaluation.today() }, ctx, () => changeId);
  }
}

/** The id of the change a proposal made (a retried proposal's answer names the rating when it carried no event). */
const proposedId = (data: unknown, ratingId: string) => (data as { changeId?: string } | undefined)?.changeId ?? ratingId;
