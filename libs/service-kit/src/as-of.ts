import { isCalendarDate } from './command-request';
import { ValidationFailed } from './problem-details';

/**
 * `asOf` on reads. A date asks what was in force in the world on that day (by effective dates, as
 * the register knows it now); an instant asks what the register itself had recorded by then.
 */
export type AsOf = { kind: 'date'; date: string } | { kind: 'instant'; instant: Date };

export function parseAsOf(value: string | undefined): AsOf | undefined {
  if (value === undefined || value === '') return undefined;
  if (isCalendarDate(value)) return { kind: 'date', date: value };
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) return { kind: 'instant', instant: new Date(value) };
  throw new ValidationFailed([{ field: 'asOf', rule: 'as-of', message: 'asOf must be a date (YYYY-MM-DD) or an ISO 8601 instant with zone' }]);
}
