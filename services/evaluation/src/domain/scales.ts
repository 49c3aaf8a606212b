import { FOUR_LEVEL_FROM, RATING_SCALES, RatingScale, RatingSubject } from '@register/contracts';

/** The scale a subject is rated on in a year: four levels from 2023, the classic scale of its kind before. */
export const scaleInUse = (subjectType: RatingSubject, year: number): RatingScale =>
  year >= FOUR_LEVEL_FROM ? 'four-level' : subjectType === 'branch' ? 'branch-classic' : 'member-classic';

export const isGradeOf = (scale: RatingScale, grade: string) => (RATING_SCALES[scale] as readonly string[]).includes(grade);
