/** The day a summary counts on: asOf, else the year's last day (today for the year under way). Pure. */
export function reportDay(year: number | undefined, asOf: string | undefined, today: string): { year: number; day: string } {
  if (asOf) return { year: year ?? Number(asOf.slice(0, 4)), day: asOf };
  const y = year ?? Number(today.slice(0, 4));
  const end = `${y}-12-31`;
  return { year: y, day: end < today ? end : today };
}
