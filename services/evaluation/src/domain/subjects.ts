import { RatingPeriod, RatingPlacement, RatingSubject } from '@register/contracts';
import { periodDays } from './periods';

/**
 * A stretch of days something existed or held: from `from` (null: unknown, long ago) up to `to`,
 * the first day without it (a post's `endsOn`, a transfer's or a closing's day; null: still).
 */
export interface Span {
  from: string | null;
  to: string | null;
}

/** Whether the span holds `day`: on its last day a post is held, on its `to` no longer. */
export function holds(span: Span, day: string): boolean {
  return (span.from === null || span.from <= day) && (span.to === null || span.to > day);
}

/** Whether a span shares a day with the period (a span of no days shares none). */
export function overlaps(span: Span, year: number, period: RatingPeriod): boolean {
  const { from, to } = periodDays(year, period);
  return (span.from === null || span.from <= to) && (span.to === null || (span.to > from && (span.from === null || span.to > span.from)));
}

/** What a rating needs to know of its subject: whether it existed in the period, and where it sat. */
export interface SubjectLookup {
  spansOf(subjectType: RatingSubject, subjectId: string): Array<Span & { branchId: string }>;
  ancestry(branchId: string): string[];
  /** The branch's units on a day, as recorded now. */
  ancestryOn(branchId: string, day: string): string[];
  /** The day a branch was established as the successor of a merger or split, else null. */
  successorSince(branchId: string): string | null;
}

/**
 * The subject's facts for a period; its place is the units above its branch now, or on `day` when
 * given (a commendation's effective day: the branch the subject was in then, and the units above it
 * then, are the ones that may issue it).
 */
export function subjectFacts(
  lookup: SubjectLookup,
  subjectType: RatingSubject,
  subjectId: string,
  year: number,
  period: RatingPeriod,
  day?: string,
  /** The day whose branch is taken, the units above it read as now (a rating's: its day within the period). */
  branchDay = day,
): { existed: boolean; placement: RatingPlacement; successorSince: string | null } {
  const spans = lookup.spansOf(subjectType, subjectId).filter((s) => overlaps(s, year, period));
  // On a day, the branch the subject was in that day (a member who moved in the year); else the year's last.
  const held = branchDay === undefined ? undefined : spans.find((s) => holds(s, branchDay));
  const branchId = (held ?? spans[spans.length - 1])?.branchId ?? null;
  const successorSince = subjectType === 'branch' ? lookup.successorSince(subjectId) : null;
  const unitIds = !branchId ? [] : day === undefined ? lookup.ancestry(branchId) : lookup.ancestryOn(branchId, day);
  return { existed: spans.length > 0, placement: { branchId, unitIds }, successorSince };
}
