import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { ALL_GRADES, RATING_PERIODS, RATING_SCALES, RATING_STAGES, RATING_SUBJECTS, RatingPeriod, RatingScale, RatingStage, RatingSubject, SCALE_NAMES } from '@register/contracts';
import { CommandRequest, IsRegisterId, OneOf, PagedHistoryQuery, ReadModelOrHistoryQuery, WholeNumber } from '@register/service-kit';

/** The grade must be one of the request's own scale (400 grade-in-scale); which scale a year uses is a rule (422). */
function GradeOfItsScale() {
  return ValidateBy({
    name: 'grade-in-scale',
    validator: {
      validate: (value, args) => {
        const scale = (args?.object as { scale?: unknown }).scale;
        return typeof scale !== 'string' || !Object.hasOwn(RATING_SCALES, scale) || (RATING_SCALES[scale as RatingScale] as readonly string[]).includes(value as string);
      },
      defaultMessage: (args) => `grade must be a grade of the ${String((args?.object as { scale?: unknown }).scale)} scale: ${((RATING_SCALES as Record<string, readonly string[]>)[String((args?.object as { scale?: unknown }).scale)] ?? []).join(', ')}`,
    },
  });
}

export class RecordRatingRequest extends CommandRequest {
  @OneOf(RATING_SUBJECTS)
  subjectType!: RatingSubject;

  @ApiProperty({ description: 'The branch, or the member (for a member or an officer)' })
  @IsRegisterId()
  subjectId!: string;

  @ApiProperty({ example: 2020, description: 'The calendar year, or the year a school year starts in' })
  @IsInt()
  @Min(1950)
  @Max(2200)
  year!: number;

  @ApiPropertyOptional({
    enum: RATING_PERIODS,
    default: 'calendar',
    description: "school: the school year from September of `year` to August. Not for a residential branch nor its members and officers (422 period-not-for-branch); organisation's events tell no other kind of branch",
  })
  @IsOptional()
  @IsIn(RATING_PERIODS)
  period?: RatingPeriod;

  @ApiProperty({ enum: SCALE_NAMES, description: 'four-level from 2023; branch-classic or member-classic before' })
  @IsIn(SCALE_NAMES)
  scale!: RatingScale;

  @ApiProperty({ enum: ALL_GRADES })
  @IsIn(ALL_GRADES)
  @GradeOfItsScale()
  grade!: string;

  @OneOf(RATING_STAGES)
  stage!: RatingStage;
}

export class RatingListQuery extends PagedHistoryQuery {
  @ApiPropertyOptional({ description: "A unit: the ratings of subjects in its subtree (where they sat when rated)" })
  @IsOptional()
  @IsRegisterId()
  unitId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @WholeNumber()
  @IsInt()
  @Min(1950)
  @Max(2200)
  year?: number;

  @ApiPropertyOptional({ enum: RATING_SUBJECTS })
  @IsOptional()
  @IsIn(RATING_SUBJECTS)
  subjectType?: RatingSubject;

  @ApiPropertyOptional({ enum: ALL_GRADES })
  @IsOptional()
  @IsIn(ALL_GRADES)
  grade?: string;

  @ApiPropertyOptional({ enum: RATING_STAGES, description: 'decision: decided ratings (their grade as changed since); self-assessment: not decided yet' })
  @IsOptional()
  @IsIn(RATING_STAGES)
  stage?: RatingStage;
}

export class SubjectRatingsQuery extends ReadModelOrHistoryQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @WholeNumber()
  @IsInt()
  @Min(1950)
  @Max(2200)
  year?: number;
}
