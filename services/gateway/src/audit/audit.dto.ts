import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsRegisterId } from '@register/service-kit';

/** GET /audit/events: filters over the log, paged by global position. */
export class AuditEventsQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) streamId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(/^[A-Za-z][A-Za-z0-9]{0,99}$/, { message: 'type must be an event type like BranchMerged' }) type?: string;
  @ApiPropertyOptional({ description: 'The authenticated actor recorded on the event' }) @IsOptional() @IsString() @MaxLength(200) actor?: string;
  @ApiPropertyOptional({ description: 'Recorded at or after this instant' }) @IsOptional() @IsISO8601({ strict: true, strictSeparator: true }) from?: string;
  @ApiPropertyOptional({ description: 'Recorded before this instant' }) @IsOptional() @IsISO8601({ strict: true, strictSeparator: true }) to?: string;
  @ApiPropertyOptional({ description: 'Only events after this global position' }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) afterPosition?: number;
  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' }) @IsOptional() @IsString() @Matches(/^\d{1,15}$/, { message: 'cursor must be a nextCursor this API returned' }) cursor?: string;
  @ApiPropertyOptional({ default: 50, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export const AUDITED_ENTITY_TYPES = ['unit', 'branch'] as const;

export class EntityParams {
  @IsIn(AUDITED_ENTITY_TYPES) type!: (typeof AUDITED_ENTITY_TYPES)[number];
  @IsRegisterId() id!: string;
}
