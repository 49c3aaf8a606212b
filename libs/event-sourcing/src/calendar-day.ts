/**
 * The register's calendar day of an instant: what "today" is, the day a command without an
 * effective date takes effect, and the day of an instant `asOf`. A union office in Vietnam works on
 * Vietnam's days (UTC+7): on UTC days, a command sent before 07:00 there would be dated the day
 * before. `REGISTER_TIME_ZONE` (an IANA name such as `Asia/Ho_Chi_Minh`) names the zone; unset,
 * UTC, as every day was taken before it existed (docs/effective-dates.md).
 */
let zone: string | undefined;
let format: Intl.DateTimeFormat | undefined;

/** The zone's name; an unknown name is refused at the first use, naming the variable. */
export function registerTimeZone(): string {
  if (zone === undefined) setRegisterTimeZone(process.env.REGISTER_TIME_ZONE || 'UTC');
  return zone!;
}

/** Sets the zone (the environment's at the first use otherwise): for tests and tools. */
export function setRegisterTimeZone(name: string): void {
  let made: Intl.DateTimeFormat;
  try {
    made = new Intl.DateTimeFormat('en-CA', { timeZone: name, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch {
    throw new Error(`REGISTER_TIME_ZONE must be an IANA time zone such as Asia/Ho_Chi_Minh or UTC, not "${name}"`);
  }
  zone = made.resolvedOptions().timeZone;
  format = zone === 'UTC' ? undefined : made;
}

/** YYYY-MM-DD of the instant in the register's zone. */
export function calendarDayOf(instant: Date | number): string {
  registerTimeZone();
  const at = typeof instant === 'number' ? new Date(instant) : instant;
  if (!format) return at.toISOString().slice(0, 10);
  const parts = format.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}
