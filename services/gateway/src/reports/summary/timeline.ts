import { calendarDayOf } from '@register/event-sourcing';

/**
 * A fact that changes on dated days, kept as `{ 'YYYY-MM-DD': value }` in a read model's document:
 * what it was on a day is the value of the latest key not after that day. Pure.
 */
export type Timeline<T> = Record<string, T>;

/** The value on `day`, or undefined before the first change. */
export function valueOn<T>(timeline: Timeline<T> | undefined, day: string): T | undefined {
  let latest: string | undefined;
  for (const key of Object.keys(timeline ?? {})) if (key <= day && (latest === undefined || key > latest)) latest = key;
  return latest === undefined ? undefined : timeline![latest];
}

/** The sum of the dated changes up to and including `day`. */
export function totalOn(deltas: Timeline<number> | undefined, day: string): number {
  let total = 0;
  for (const [key, delta] of Object.entries(deltas ?? {})) if (key <= day) total += delta;
  return total;
}

/** The day an event took effect: the command's effective date, kept in its metadata. */
export const effectiveDay = (event: { metadata: { effectiveDate?: string }; recordedAt: string | Date }): string =>
  event.metadata.effectiveDate ?? calendarDayOf(new Date(event.recordedAt));

/** The spells of a timeline: each value from its day until (not including) the next change; empty (null) values are gaps. */
export function spellsOf<T>(timeline: Timeline<T | null> | undefined): Array<{ value: T; startsOn: string; endsOn: string | null }> {
  const days = Object.keys(timeline ?? {}).sort();
  return days.flatMap((day, i) => {
    const value = timeline![day];
    return value === null || value === undefined ? [] : [{ value, startsOn: day, endsOn: days[i + 1] ?? null }];
  });
}
