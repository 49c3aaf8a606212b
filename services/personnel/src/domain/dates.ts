/** Calendar arithmetic on YYYY-MM-DD strings, in UTC: pure, no clock. */

const parts = (date: string) => date.split('-').map(Number) as [number, number, number];
const format = (d: Date) => d.toISOString().slice(0, 10);

/** Full years of age on `on` for someone born on `dateOfBirth` (a 29 Feb birthday turns on 1 Mar). */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = parts(dateOfBirth);
  const [y, m, d] = parts(on);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The same day `months` later, clamped to the month's last day (31 Aug + 6 months → 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return format(new Date(Date.UTC(y, m - 1 + months, Math.min(d, last))));
}

export const addYears = (date: string, years: number) => addMonths(date, 12 * years);

export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return format(new Date(Date.UTC(y, m - 1, d + days)));
}

export const firstOfMonth = (date: string) => `${date.slice(0, 7)}-01`;

/** Days from `from` to `to` (0 on the same day; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const [fy, fm, fd] = parts(from);
  const [ty, tm, td] = parts(to);
  return Math.round((Date.UTC(ty, tm - 1, td) - Date.UTC(fy, fm - 1, fd)) / 86_400_000);
}
