import { ApiProperty, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { CommandRequest } from '@register/service-kit';
import { RecordRatingRequest } from '../ratings/ratings.dto';

/** Ratings in one batch at most: a commune's members for a year fit in a few batches, and one batch stays one short transaction. */
export const MAX_RATINGS_PER_BATCH = 1000;

/** One rating of a batch: POST /ratings's fields and rules, without the why (the batch's). */
export class RatingItem extends OmitType(RecordRatingRequest, ['reason', 'decisionRef', 'effectiveDate'] as const) {}

export class RecordRatingsRequest extends CommandRequest {
  @ApiProperty({ type: [RatingItem], minItems: 1, maxItems: MAX_RATINGS_PER_BATCH, description: 'Each as POST /ratings takes it; one rating (subject, year, period) once per batch' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RATINGS_PER_BATCH)
  @ValidateNested({ each: true })
  @Type(() => RatingItem)
  ratings!: RatingItem[];
}
