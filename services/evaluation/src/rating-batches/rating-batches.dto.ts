import { OmitType } from '@nestjs/swagger';
import { BatchItems, CommandRequest } from '@register/service-kit';
import { RecordRatingRequest } from '../ratings/ratings.dto';

/** Ratings in one batch at most: a commune's members for a year fit in a few batches, and one batch stays one short transaction. */
export const MAX_RATINGS_PER_BATCH = 1000;

/** One rating of a batch: POST /ratings's fields and rules, without the why (the batch's). */
export class RatingItem extends OmitType(RecordRatingRequest, ['reason', 'decisionRef', 'effectiveDate'] as const) {}

export class RecordRatingsRequest extends CommandRequest {
  @BatchItems(RatingItem, MAX_RATINGS_PER_BATCH, 'Each as POST /ratings takes it; one rating (subject, year, period) once per batch')
  ratings!: RatingItem[];
}
