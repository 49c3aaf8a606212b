import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { IsRegisterId, WholeNumber } from '@register/service-kit';
import { AUDITED_SERVICES, AuditedService } from './audit-log';
import { AUDITED_ENTITY_TYPES, AuditedEntityType } from './entity-references';
import { RunsForwards } from './runs-forwards';

/** A position per log: `organisation:120,personnel:45`. */
const CURSOR = /^[a-z]{1,30}:\d{1,15}(,[a-z]{1,30}:\d{1,15}){0,9}$/;

/** Positions are per service log: a position without the log it belongs to means nothing, and was silently ignored. */
const NeedsService = () =>
  ValidateBy({
    name: 'needs-service',
    validator: {
      validate: (_value, args) => (args?.object as { service?: unknown } | undefined)?.service !== undefined,
      defaultMessage: () => 'afterPosition is a position in one service\'s log: give service too',
    },
  });


/** An instant's time, or undefined for what is no instant (its own rule names it). */
const instantTime = (v: unknown) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : undefined);

/** GET /audit/events: filters over the logs, each paged by its own position. */
export class AuditEventsQuery {
  @ApiPropertyOptional({ enum: AUDITED_SERVICES, description: 'Only this service\'s log (afterPosition is a position in it); all logs by default' })
  @IsOptional() @IsIn(AUDITED_SERVICES) service?: AuditedService;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) streamId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(/^[A-Za-z][A-Za-z0-9]{0,99}$/, { message: 'type must be an event type like BranchMerged' }) type?: string;
  @ApiPropertyOptional({ description: "The authenticated actor recorded on the event (a service's reactions are recorded by the service, on behalf of the person: see onBehalfOf)" }) @IsOptional() @IsString() @MaxLength(200) actor?: string;
  @ApiPropertyOptional({ description: 'Whose change the event carries out: the person a reaction acted for (a merger\'s member moves are on behalf of who recorded the merger)' }) @IsOptional() @IsString() @MaxLength(200) onBehalfOf?: string;
  @ApiPropertyOptional({ description: 'Recorded at or after this instant' }) @IsOptional() @IsISO8601({ strict: true, strictSeparator: true }) from?: string;
  @ApiPropertyOptional({ description: 'Recorded before this instant (a date alone is its midnight, UTC); not before from (400, rule from-after-to)' })
  @IsOptional() @IsISO8601({ strict: true, strictSeparator: true }) @RunsForwards('from', instantTime) to?: string;
  @ApiPropertyOptional({ description: 'Only events after this position of the service\'s log; needs service (400, rule needs-service, without it)' })
  @IsOptional() @WholeNumber() @IsInt() @Min(0) @NeedsService() afterPosition?: number;
  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' }) @IsOptional() @IsString() @Matches(CURSOR, { message: 'cursor must be a nextCursor this API returned' }) cursor?: string;
  @ApiPropertyOptional({ default: 50, maximum: 500 }) @IsOptional() @WholeNumber() @IsInt() @Min(1) @Max(500) limit?: number;
}

export class EntityParams {
  @IsIn(AUDITED_ENTITY_TYPES) type!: AuditedEntityType;
  @IsRegisterId() id!: string;
}
