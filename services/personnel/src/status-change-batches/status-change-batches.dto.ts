import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, ValidateNested } from 'class-validator';
import { CommandRequest, IsCalendarDate, IsRegisterId } from '@register/service-kit';
import { STATUS_CHANGES, StatusChange } from '../members/members.dto';

/** Changes in one batch at most: a branch's yearly review of its members names tens, a commune's hundreds. */
export const MAX_STATUS_CHANGES_PER_BATCH = 1000;

/** One change of a batch: POST /members/{id}/status-changes's status, the member named, on its own day. */
export class StatusChangeItem {
  @ApiProperty()
  @IsRegisterId()
  memberId!: string;

  @ApiProperty({ enum: STATUS_CHANGES, description: 'As POST /members/{id}/status-changes takes it' })
  @IsIn(STATUS_CHANGES)
  status!: StatusChange;

  @ApiPropertyOptional({ description: "When this member's change took effect (YYYY-MM-DD); the batch's effectiveDate, or today, when absent", example: '2025-09-01' })
  @IsOptional()
  @IsCalendarDate()
  effectiveDate?: string;
}

export class ChangeStatusesRequest extends CommandRequest {
  @ApiProperty({ type: [StatusChangeItem], minItems: 1, maxItems: MAX_STATUS_CHANGES_PER_BATCH, description: 'One change per member per batch' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_STATUS_CHANGES_PER_BATCH)
  @ValidateNested({ each: true })
  @Type(() => StatusChangeItem)
  changes!: StatusChangeItem[];
}
