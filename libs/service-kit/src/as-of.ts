import { calendarDayOf, RuleViolation } from '@register/event-sourcing';
import { CALENDAR_DATE_PATTERN, isCalendarDate } from './command-request';
import { FieldError, ValidationFailed } from './problem-details';

/**
 * `asOf` on reads. A date asks what was in force in the world on that day (by effective dates);
 * an instant asks what the register itself had recorded by then. A date may carry `knownAt`, the
 * second time axis: in force that day, as the register knew it at that instant (a change recorded
 * later, even dated earlier, is left out). Without it a date is read as the register knows it now.
 */
export type AsOf = { kind: 'date'; date: string; knownAt?: Date } | { kind: 'instant'; instant: Date };

/** The time of day and zone after a date's `T`, for the OpenAPI document (as isInstant reads it). */
const TIME_PATTERN = 'T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)';

/** What parseAsOf takes, for the OpenAPI document (given empty, it is refused: leave it out to read today). */
export const AS_OF_PROPERTY = {
  description:
    'A date (YYYY-MM-DD: what was in force that day) or an instant with its zone (2025-07-01T08:00:00Z: what had been recorded by then, ' +
    'changes dated later included; not after now, 422 rule `not-after-now`); rebuilt from the log. Left out: today, as known now; given empty: 400 (rule `not-empty`)',
  pattern: `^${CALENDAR_DATE_PATTERN}(${TIME_PATTERN})?$`,
};

/** What parseAsOfKnownAt takes as `knownAt`, for the OpenAPI document. */
export const KNOWN_AT_PROPERTY = {
  description:
    'An instant with its zone (2025-09-01T00:00:00Z), not after now (422, rule `not-after-now`): read the day `asOf` names (today without it) as the register knew it then, leaving out what was recorded later, ' +
    'even a change dated earlier; rebuilt from the log. Not with an instant `asOf` (400, rule `known-at-with-instant`); given empty: 400 (rule `not-empty`)',
  pattern: `^${CALENDAR_DATE_PATTERN}${TIME_PATTERN}$`,
};

const AS_OF_ERROR: FieldError = { field: 'asOf', rule: 'as-of', message: 'asOf must be a date (YYYY-MM-DD) or an ISO 8601 instant with zone' };

/** A parameter given empty (`asOf=`, a script's unset variable): refused rather than read as absent, which answers the present. */
const emptyError = (field: 'asOf' | 'knownAt'): FieldError => ({ field, rule: 'not-empty', message: `${field} is given empty: leave it out to read as known now, or give ${field === 'asOf' ? 'a date or an instant' : 'an instant'}` });

/**
 * An instant to come, as asOf or knownAt: the answer would be what is recorded so far and would
 * change with the next write, where an instant cited is meant to answer the same every time. A rule
 * of the register against its clock (422, as a year to come is), not malformed input: the instant is
 * well formed.
 */
function checkNotToCome(field: 'asOf' | 'knownAt', instant: Date | undefined, now: Date): void {
  if (instant === undefined || instant <= now) return;
  const message = `${field} ${instant.toISOString()} has not come yet (the register's clock reads ${now.toISOString()}): what was recorded by then is not known; ask for an instant that has passed`;
  throw new RuleViolation('not-after-now', message, { field, now: now.toISOString() });
}

export function parseAsOf(value: string | undefined): AsOf | undefined {
  if (value === '') throw new ValidationFailed([emptyError('asOf')]);
  const asOf = asOfOf(value);
  if (asOf === null) throw new ValidationFailed([AS_OF_ERROR]);
  return asOf;
}

/** A date, an instant, undefined when absent, null when it is neither. */
function asOfOf(value: string | undefined): AsOf | undefined | null {
  if (value === undefined) return undefined;
  if (isCalendarDate(value)) return { kind: 'date', date: value };
  if (isInstant(value)) return { kind: 'instant', instant: new Date(value) };
  return null;
}

/**
 * A read's two time axes, `asOf` and `knownAt`. knownAt with a date: in force that day, as recorded
 * by that instant; without asOf: in force today (the clock's), as recorded by then. With an instant
 * asOf it is refused: that instant already says what the register had recorded, a second one could
 * only contradict it.
 */
export function parseAsOfKnownAt(query: { asOf?: string; knownAt?: string }, clock: { today(): string; now?(): Date }): AsOf | undefined {
  const asOf = asOfOf(query.asOf);
  const errors: FieldError[] = query.asOf === '' ? [emptyError('asOf')] : asOf === null ? [AS_OF_ERROR] : [];
  const knownAt = query.knownAt === undefined || query.knownAt === '' ? undefined : isInstant(query.knownAt) ? new Date(query.knownAt) : undefined;
  if (query.knownAt === '') errors.push(emptyError('knownAt'));
  else if (query.knownAt !== undefined && !knownAt) errors.push({ field: 'knownAt', rule: 'known-at', message: 'knownAt must be an ISO 8601 instant with zone' });
  if (knownAt && asOf?.kind === 'instant') {
    errors.push({ field: 'knownAt', rule: 'known-at-with-instant', message: 'knownAt reads a day (asOf as a date) as known then; an instant asOf already says what had been recorded' });
  }
  if (errors.length > 0) throw new ValidationFailed(errors);
  const now = clock.now?.() ?? new Date();
  checkNotToCome('asOf', asOf?.kind === 'instant' ? asOf.instant : undefined, now);
  checkNotToCome('knownAt', knownAt, now);
  if (!knownAt) return asOf ?? undefined;
  return { kind: 'date', date: asOf?.kind === 'date' ? asOf.date : clock.today(), knownAt };
}

/** The day a read is of: a date asOf's, an instant's own (UTC) day, else today. */
export function asOfDay(asOf: AsOf | undefined, today: string): string {
  return asOf === undefined ? today : asOf.kind === 'date' ? asOf.date : calendarDayOf(asOf.instant);
}

/** The instant up to which recorded changes count for this read (`recordedUpTo`): an instant asOf, or knownAt; none: all of them. */
export function recordedBy(asOf: AsOf | undefined): Date | undefined {
  return asOf?.kind === 'instant' ? asOf.instant : asOf?.knownAt;
}

/**
 * Whether a change counts for a read as of then: recorded by the instant asked (asOf's or knownAt),
 * and for a date, in force that day. A change whose date or time is unknown (null) counts.
 */
export function countsAsOf(asOf: AsOf | undefined, change: { effectiveDate: string | null; recordedAt: number | string | Date | null }): boolean {
  const by = recordedBy(asOf);
  if (by && change.recordedAt !== null && new Date(change.recordedAt).getTime() > by.getTime()) return false;
  return asOf?.kind !== 'date' || change.effectiveDate === null || change.effectiveDate <= asOf.date;
}

/**
 * An ISO 8601 instant with its zone (Z or ±hh:mm), on a day that exists: Date.parse alone would
 * take 2025-06-31T00:00:00Z for 1 July, and read an instant without a zone in the server's own.
 */
function isInstant(value: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/.exec(value);
  return match !== null && isCalendarDate(match[1]) && !Number.isNaN(Date.parse(value));
}

/**
 * A yearly report's year has begun by the day it is read for (asOf, else today): the figures of a
 * year to come, or of a year after the day asked, would be zeros presented as an answer.
 */
export function checkYearBegun(year: number, day: string): void {
  // A rule of the register (422, as a rating of a year to come is), not malformed input: the year is well formed.
  if (year > Number(day.slice(0, 4))) throw new RuleViolation('year-not-come', `${year} has not begun by ${day}: a year is reported on from its first day`, { field: 'year', year, day });
}
