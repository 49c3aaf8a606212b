import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { AS_OF_PROPERTY, KNOWN_AT_PROPERTY } from './as-of';

/**
 * A query parameter that is a whole number: only decimal digits (a minus sign before them) are read
 * as one, so that `1e3`, `0x10`, ` 5` or `5.0` are refused (IsInt names the field), not read as 1000,
 * 16 or 5; `-1` is read as -1, so that the bound it breaks names the rule (min), not "must be an
 * integer" (a probe). Given as a JSON number (a body), it is kept.
 */
export function WholeNumber(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value));
}

/** A parameter given empty (`cursor=`, a script's unset variable) is refused, not read as absent (which answered the first page in silence). */
function GivenNotEmpty(field: string, instead = 'for the first page') {
  return ValidateBy({ name: 'not-empty', validator: { validate: (value: unknown) => value !== '', defaultMessage: () => `${field} is given empty: leave it out ${instead}` } });
}

/**
 * The query parameters every read of every service shares, once: `minPosition` (wait for the read
 * model), `asOf` and `knownAt` (history, rebuilt from the log: parseAsOfKnownAt), `limit` and `cursor` (keyset paging). A service's
 * query DTO extends the one that fits and adds its filters.
 */
export class ReadModelQuery {
  @ApiPropertyOptional({ description: 'Wait (briefly) until the read model has applied the log up to this position: the `position` a command answered; 503 if it does not catch up in time. Positions are per service log: a position another service\'s log may hold is waited for there too, and then this log\'s head, which holds what it caused here (a merger\'s members moved); one beyond every log\'s head is read as this log\'s head; given empty: 400 (rule `not-empty`), as asOf is', minimum: 0 })
  @IsOptional()
  // Given empty, it stays empty and is refused (not-empty), as asOf and cursor are: read as 0 it skipped the wait asked for (a probe).
  @WholeNumber()
  @IsInt()
  @Min(0)
  @GivenNotEmpty('minPosition', 'to read without waiting') // nearest the field: its refusal is the one named
  minPosition?: number;
}

/** Today from the read model (`minPosition`), or history (`asOf`, rebuilt from the log). */
export class ReadModelOrHistoryQuery extends ReadModelQuery {
  @ApiPropertyOptional(AS_OF_PROPERTY)
  @IsOptional()
  asOf?: string;

  @ApiPropertyOptional(KNOWN_AT_PROPERTY)
  @IsOptional()
  knownAt?: string;
}


/** A page of a list: `limit` items after `cursor` (the nextCursor of the previous page). */
export class PagedQuery extends ReadModelQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @WholeNumber()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page; given empty: 400 (rule `not-empty`), as asOf is', pattern: '^\\S+$' })
  @IsOptional()
  @GivenNotEmpty('cursor')
  cursor?: string;
}

/** A page of a list today or as of a date or instant. */
export class PagedHistoryQuery extends PagedQuery {
  @ApiPropertyOptional(AS_OF_PROPERTY)
  @IsOptional()
  asOf?: string;

  @ApiPropertyOptional(KNOWN_AT_PROPERTY)
  @IsOptional()
  knownAt?: string;
}
