import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { IsCalendarDate, IsRegisterId } from '@register/service-kit';

/** `organisation:12,personnel:40`: a position in each named service's log. */
export const MIN_POSITIONS = /^(organisation|personnel|training|evaluation):\d{1,15}(,(organisation|personnel|training|evaluation):\d{1,15}){0,3}$/;

export class SummaryParams {
  @IsRegisterId() id!: string;
}

/** GET /reports/units/{id}/summary */
export class SummaryQuery {
  @ApiPropertyOptional({ description: 'The year the counts cover (admitted, rated, trained, introduced); default: the year of asOf, else this year', minimum: 1945, maximum: 2200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1945) @Max(2200) year?: number;

  @ApiPropertyOptional({ description: 'The day the structure, membership and posts are counted on; default: the last day of the year (or today, for this year)', format: 'date' })
  @IsOptional() @IsCalendarDate() asOf?: string;

  @ApiPropertyOptional({ description: 'Wait (briefly) until the report reflects these positions of the services\' logs, e.g. `organisation:12,personnel:40`; 503 if it does not catch up in time', example: 'organisation:12,personnel:40' })
  @IsOptional() @IsString() @Matches(MIN_POSITIONS, { message: 'minPosition must be service:position pairs, e.g. organisation:12,personnel:40 (services: organisation, personnel, training, evaluation)' })
  minPosition?: string;
}

/** The positions a caller waits for, per service. */
export function minPositionsOf(text: string | undefined): Record<string, number> {
  return Object.fromEntries((text ? text.split(',') : []).map((pair) => pair.split(':')).map(([service, n]) => [service, Number(n)]));
}
