import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { COMMENDATION_OCCASIONS, CommendationOccasion, RATING_SUBJECTS, RatingSubject } from '@register/contracts';
import { CreateRequest, IsRegisterId, IsRegisterName, OneOf, PagedQuery, WholeNumber } from '@register/service-kit';

export class IssueCommendationRequest extends CreateRequest {
  @OneOf(RATING_SUBJECTS)
  subjectType!: RatingSubject;

  @ApiProperty({ description: 'The branch, or the member (for a member or an officer)' })
  @IsRegisterId()
  subjectId!: string;

  @ApiProperty({ example: 2024 })
  @IsInt()
  @Min(1950)
  @Max(2200)
  year!: number;

  @OneOf(COMMENDATION_OCCASIONS)
  occasion!: CommendationOccasion;

  @ApiProperty({ example: 'Bí thư chi đoàn giỏi' })
  @IsRegisterName(300)
  title!: string;

  @ApiProperty({ description: 'The unit that decides the commendation: one the subject belongs to' })
  @IsRegisterId()
  issuedByUnitId!: string;

  @ApiPropertyOptional({
    description: "A competition award from training's published results, cited as `<competitionId>:<memberId>`: one evaluation has heard of (else 422 unknown-award), given to the subject (a member or officer; else 422 award-of-another-member), with occasion 'competition' (else 422 award-needs-competition). The commendation keeps the award's text as `award`.",
    example: 'hoi-thi-2025:m-7',
  })
  @IsOptional()
  @IsRegisterId()
  awardRef?: string;
}

export class CommendationListQuery extends PagedQuery {
  @ApiPropertyOptional({ description: 'Commendations of subjects in this unit\'s subtree (where they sat)' })
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

  @ApiPropertyOptional()
  @IsOptional()
  @IsRegisterId()
  subjectId?: string;
}
