import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { BatchItems, CommandRequest, IsCalendarDate, IsRegisterId } from '@register/service-kit';
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
  @BatchItems(StatusChangeItem, MAX_STATUS_CHANGES_PER_BATCH, 'One change per member per batch')
  changes!: StatusChangeItem[];
}
