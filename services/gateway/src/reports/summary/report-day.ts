import { calendarDayOf } from '@register/event-sourcing';
import { AsOf } from '@register/service-kit';

/** The day a summary counts on: asOf, else the year's last day (today for the year under way). Pure. */
export function reportDay(year: number | undefined, asOf: string | undefined, today: string): { year: number; day: string } {
  if (asOf) return { year: year ?? Number(asOf.slice(0, 4)), day: asOf };
  const y = year ?? Number(today.slice(0, 4));
  const end = `${y}-12-31`;
  return { year: y, day: end < today ? end : today };
}

/**
 * What a summary is asked as of: a date asOf is the day counted on; an instant asOf, the day it
 * falls on (UTC) as the register had recorded it by that instant; knownAt, the date asOf (none
 * given: the year's default day) as recorded by knownAt. `recordedBy` absent: as known now.
 */
export function askedAsOf(asOf: AsOf | undefined, asOfGiven: boolean): { day?: string; recordedBy?: Date } {
  if (asOf?.kind === 'instant') return { day: calendarDayOf(asOf.instant), recordedBy: asOf.instant };
  // knownAt alone is parsed as today's date (every other read's default): the summary's own default day is the year's end
  return { day: asOfGiven ? asOf?.date : undefined, recordedBy: asOf?.knownAt };
}
