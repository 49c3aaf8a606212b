import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { CommandRequest, CreateRequest, IsCalendarDate, IsRegisterId, ReadModelOrHistoryQuery } from '@register/service-kit';

export class AssignMentorRequest extends CreateRequest {
  @ApiProperty({ description: 'The branch to guide' })
  @IsRegisterId()
  branchId!: string;

  @ApiProperty({ description: 'An active member, not away, usually of the commune union’s executive committee; not one already guiding the branch in that period (409 already-assigned)' })
  @IsRegisterId()
  mentorMemberId!: string;

  @ApiProperty({ example: '2025-07-01' })
  @IsCalendarDate()
  startsOn!: string;

  @ApiPropertyOptional({ example: '2026-06-30', description: 'On or after startsOn; open-ended when absent' })
  @IsOptional()
  @IsCalendarDate()
  endsOn?: string;
}

export class EndAssignmentRequest extends CommandRequest {
  @ApiProperty({ example: '2025-12-31' })
  @IsCalendarDate()
  endsOn!: string;
}

export class MentorsQuery extends ReadModelOrHistoryQuery {}
