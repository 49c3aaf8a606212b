import { CALENDAR_DATE_PATTERN, isCalendarDate } from './command-request';
import { ValidationFailed } from './problem-details';

/**
 * `asOf` on reads. A date asks what was in force in the world on that day (by effective dates, as
 * the register knows it now); an instant asks what the register itself had recorded by then.
 */
export type AsOf = { kind: 'date'; date: string } | { kind: 'instant'; instant: Date };

/** What parseAsOf takes, for the OpenAPI document (empty is the same as absent). */
export const AS_OF_PROPERTY = {
  description: 'A date (YYYY-MM-DD: what was in force that day) or an instant with its zone (2025-07-01T08:00:00Z: what had been recorded by then); rebuilt from the log',
  pattern: `^(${CALENDAR_DATE_PATTERN}(T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d))?)?$`,
};

export function parseAsOf(value: string | undefined): AsOf | undefined {
  if (value === undefined || value === '') return undefined;
  if (isCalendarDate(value)) return { kind: 'date', date: value };
  if (isInstant(value)) return { kind: 'instant', instant: new Date(value) };
  throw new ValidationFailed([{ field: 'asOf', rule: 'as-of', message: 'asOf must be a date (YYYY-MM-DD) or an ISO 8601 instant with zone' }]);
}

/**
 * An ISO 8601 instant with its zone (Z or ±hh:mm), on a day that exists: Date.parse alone would
 * take 2025-06-31T00:00:00Z for 1 July, and read an instant without a zone in the server's own.
 */
function isInstant(value: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/.exec(value);
  return match !== null && isCalendarDate(match[1]) && !Number.isNaN(Date.parse(value));
}
