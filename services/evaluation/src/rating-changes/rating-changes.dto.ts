import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ALL_GRADES } from '@register/contracts';
import { CommandRequest, IsRegisterId } from '@register/service-kit';

export class ProposeRatingChangeRequest extends CommandRequest {
  @ApiProperty({ description: 'The decided rating to change (the id POST /ratings answered)', example: 'branch.2020.b-1' })
  @IsRegisterId()
  ratingId!: string;

  @ApiProperty({ enum: ALL_GRADES, description: "The new grade, on the rating's own scale" })
  @IsIn(ALL_GRADES)
  grade!: string;
}

/** An approval or a rejection: only the reason and decision. */
export class SettleRatingChangeRequest extends CommandRequest {}
