import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, Min, ValidateBy } from 'class-validator';
import { AS_OF_PROPERTY, IsRegisterId, KNOWN_AT_PROPERTY, parseAsOfKnownAt, ValidationFailed, WholeNumber } from '@register/service-kit';

/** `organisation:12,personnel:40`: a position in each named service's log; or a bare position, as a command answered it. */
export const MIN_POSITIONS = /^(\d{1,15}|(organisation|personnel|training|evaluation):\d{1,15}(,(organisation|personnel|training|evaluation):\d{1,15}){0,3})$/;

const REPORTED_SERVICES = ['organisation', 'personnel', 'training', 'evaluation'] as const;

/**
 * asOf and knownAt as every read takes them (service-kit's parseAsOfKnownAt, the rules `as-of` and
 * `known-at`), checked with the other fields so that one 400 names every bad one.
 */
const ParsesAs = (field: 'asOf' | 'knownAt', rule: string, message: string) =>
  ValidateBy({
    name: rule,
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        try {
          parseAsOfKnownAt({ [field]: value }, { today: () => '1970-01-01' });
          return true;
        } catch (error) {
          // Malformed is this rule's; empty (not-empty) and an instant to come (not-after-now) are answered by the read's own parse, as on every read.
          return value === '' || !(error instanceof ValidationFailed);
        }
      },
      defaultMessage: () => message,
    },
  });

export class SummaryParams {
  @IsRegisterId() id!: string;
}

/** GET /reports/units/{id}/summary */
export class SummaryQuery {
  @ApiPropertyOptional({ description: 'The year the counts cover (admitted, rated, trained, introduced); default: the year of asOf, else this year', minimum: 1945, maximum: 2200 })
  @IsOptional() @WholeNumber() @IsInt() @Min(1945) @Max(2200) year?: number;

  @ApiPropertyOptional({
    ...AS_OF_PROPERTY,
    description:
      'The day the structure, membership and posts are counted on (YYYY-MM-DD); default: the last day of the year (or today, for this year). ' +
      'An instant: the day it falls on (UTC), as the register had recorded it by that instant (counted from a replay of the logs up to then; the answer carries `knownAt`)',
  })
  @IsOptional() @ParsesAs('asOf', 'as-of', 'asOf must be a date (YYYY-MM-DD) or an ISO 8601 instant with zone') asOf?: string;

  @ApiPropertyOptional({ ...KNOWN_AT_PROPERTY, description: 'The day asked (asOf, else the year\'s default day) as the register had recorded it by this instant: counted from a replay of the logs up to then, the answer carrying `knownAt`' })
  @IsOptional() @ParsesAs('knownAt', 'known-at', 'knownAt must be an ISO 8601 instant with zone') knownAt?: string;

  @ApiPropertyOptional({
    description:
      "Wait (briefly) until the report reflects these positions of the services' logs, e.g. `organisation:12,personnel:40`; or a bare position a command answered (`40`), whose service is not named: " +
      'then each log up to that position or its head, whichever is less. 503 if it does not catch up in time',
    example: 'organisation:12,personnel:40',
  })
  @IsOptional() @IsString() @Matches(MIN_POSITIONS, { message: 'minPosition must be a position (40) or service:position pairs, e.g. organisation:12,personnel:40 (services: organisation, personnel, training, evaluation)' })
  minPosition?: string;
}

/** The positions a caller waits for, per service. */
export function minPositionsOf(text: string | undefined): Record<string, number> {
  // A bare position is some service's: every log waits for it, or for its own head (ProjectionQueries.require).
  if (text !== undefined && /^\d+$/.test(text)) return Object.fromEntries(REPORTED_SERVICES.map((service) => [service, Number(text)]));
  return Object.fromEntries((text ? text.split(',') : []).map((pair) => pair.split(':')).map(([service, n]) => [service, Number(n)]));
}
