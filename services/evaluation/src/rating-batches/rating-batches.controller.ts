import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandContext } from '@register/event-sourcing';
import { assertNoNullFields, BatchEndpoint, Command } from '@register/service-kit';
import { RecordRatingsRequest } from './rating-batches.dto';
import { RecordRatingsHandler } from './record-ratings.handler';

/** Ratings in batches: the yearly review of a branch's members, or of a commune's branches, as one request. */
@ApiTags('ratings')
@Controller('rating-batches')
export class RatingBatchesController {
  constructor(private readonly recording: RecordRatingsHandler) {}

  @BatchEndpoint(
    "Many ratings in one request (at most 1,000), each decided as POST /ratings decides it and the ones that stand recorded together. 200 with each item's outcome in order: 201 and the rating's id, revision and position, or the problem a single POST /ratings would have answered (422 with its rule, 409 already-decided); a rating named twice is refused the second time (422 rating-twice-in-batch). The same Idempotency-Key again answers the items recorded the first time (duplicate) and records nothing twice",
  )
  record(@Body() body: RecordRatingsRequest, @Command() ctx: CommandContext) {
    assertNoNullFields(body);
    return this.recording.handle(body.ratings.map((r) => ({ subjectType: r.subjectType, subjectId: r.subjectId, year: r.year, period: r.period ?? 'calendar', scale: r.scale, grade: r.grade, stage: r.stage })), ctx);
  }
}
