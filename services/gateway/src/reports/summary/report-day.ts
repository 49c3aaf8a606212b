import { RuleViolation } from '@register/event-sourcing';
import { AsOf } from '@register/service-kit';

/** The day a summary counts on: asOf, else the year's last day (today for the year under way). Pure. */
export function reportDay(year: number | undefined, asOf: string | undefined, today: string): { year: number; day: string } {
  if (asOf) return { year: year ?? Number(asOf.slice(0, 4)), day: asOf };
  const y = year ?? Number(today.slice(0, 4));
  const end = `${y}-12-31`;
  return { year: y, day: end < today ? end : today };
}

/**
 * The day asked. The reporting read model keeps what took effect when (effective dates), not when
 * the register recorded it: "as recorded by an instant" (an instant asOf, or knownAt) it cannot
 * answer honestly, so it refuses rather than answer today's records under that instant's name. A
 * limit of this report (422), not malformed input: the instant is well formed.
 */
export function dayAsked(asOf: AsOf | undefined): string | undefined {
  if (asOf?.kind === 'instant' || asOf?.knownAt) {
    const field = asOf.kind === 'instant' ? 'asOf' : 'knownAt';
    const message = 'the summary is counted by effective dates and its read model keeps no recording times, so it cannot say what the register had recorded by an instant; give asOf as a date (YYYY-MM-DD)';
    throw new RuleViolation('recorded-time-not-kept', message, { field });
  }
  return asOf?.date;
}
