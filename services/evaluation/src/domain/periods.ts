import { RatingPeriod, RatingSubject } from '@register/contracts';

/** The days a rating period covers: a calendar year, or a school year from September to August. */
export function periodDays(year: number, period: RatingPeriod): { from: string; to: string } {
  return period === 'school' ? { from: `${year}-09-01`, to: `${year + 1}-08-31` } : { from: `${year}-01-01`, to: `${year}-12-31` };
}

/** `2020`, or `2024-2025` for the school year that starts in 2024. */
export const periodKey = (year: number, period: RatingPeriod) => (period === 'school' ? `${year}-${year + 1}` : String(year));

/**
 * A rating's id names its subject and period (`branch.2020.b-1`, `member.2024-2025.m-7`), so that
 * one subject has one rating a period, and the gateway can tell whose rating a change concerns.
 */
export const ratingIdOf = (subjectType: RatingSubject, subjectId: string, key: string) => `${subjectType}.${key}.${subjectId}`;

const RATING_ID = /^(branch|member|officer)\.(\d{4}(?:-\d{4})?)\.(.+)$/;
const CHANGE_ID = /^c(\d+)\.(.+)$/;

export function parseRatingId(ratingId: string): { subjectType: RatingSubject; periodKey: string; subjectId: string } | undefined {
  const m = RATING_ID.exec(ratingId);
  return m ? { subjectType: m[1] as RatingSubject, periodKey: m[2], subjectId: m[3] } : undefined;
}

/** A change's id is its number and its rating's id (`c2.branch.2020.b-1`). */
export const changeIdOf = (n: number, ratingId: string) => `c${n}.${ratingId}`;
export const ratingIdOfChange = (changeId: string): string | undefined => CHANGE_ID.exec(changeId)?.[2];
