import { ConflictError, deciderOf, RuleViolation } from '@register/event-sourcing';
import { RatingEvent, RatingPeriod, RatingPlacement, RatingScale, RatingStage, RatingSubject } from '@register/contracts';
import { periodDays, periodKey, ratingIdOf } from '../domain/periods';
import { Rating, ratingAggregate } from '../domain/rating';
import { isGradeOf, scaleInUse } from '../domain/scales';

/** What the register knows of the subject during the period (from organisation's and personnel's events). */
export interface SubjectFacts {
  /** Whether it existed on some day of the period; false also when nobody ever published it. */
  existed: boolean;
  placement: RatingPlacement;
  /** A branch established as the successor of a merger or split: the day it was (absent or null otherwise). */
  successorSince?: string | null;
}

/**
 * A self-assessment (by the subject's own branch) or a decision (by the level above) of one
 * subject for one period. Who may do which is the route table's (libs/auth): the caller reaching
 * here may.
 */
export type RecordRating = {
  type: 'RecordRating';
  subjectType: RatingSubject;
  subjectId: string;
  year: number;
  period: RatingPeriod;
  scale: RatingScale;
  grade: string;
  stage: RatingStage;
  subject: SubjectFacts;
  /**
   * Whether the branch the subject sat in during the period (the branch itself, or the member's or
   * officer's) is residential: organisation's events give it an area. They say no more of a
   * branch's kind: a school branch is not told apart from an agency's or an enterprise's.
   */
  residentialBranch: boolean;
  /** The day the command is recorded (the service's clock): a year still to come is not rated. */
  today: string;
  /** The day the self-assessment or decision takes effect (its effectiveDate, today without one); absent, not compared. */
  on?: string;
};

const yearOf = (day: string) => Number(day.slice(0, 4));

export const ratingIdOfCommand = (c: Pick<RecordRating, 'subjectType' | 'subjectId' | 'year' | 'period'>) => ratingIdOf(c.subjectType, c.subjectId, periodKey(c.year, c.period));

export const recordingDecider = deciderOf(ratingAggregate, decideRecording);

export function decideRecording(c: RecordRating, s: Rating): RatingEvent[] {
  // A rating judges a year's work: one that has not begun has none to judge, by the subject or the level above.
  if (c.year > yearOf(c.today)) throw new RuleViolation('year-not-come', `${c.year} has not come yet (today is ${c.today}): a year is rated once it has begun`, { year: c.year });
  // Its day too: a rating dated before the period began judged work not yet done (a re-probe's 2024 rating was dated 2023).
  const begins = periodDays(c.year, c.period).from;
  if (c.on !== undefined && c.on < begins) throw new RuleViolation('year-not-come', `the ${periodKey(c.year, c.period)} rating is dated ${c.on}, before the period began (${begins}): a year is rated once it has begun`, { year: c.year, begins });
  const inUse = scaleInUse(c.subjectType, c.year);
  if (c.scale !== inUse) throw new RuleViolation('scale-not-in-use', `a ${c.subjectType} is rated for ${c.year} on the ${inUse} scale, not ${c.scale}`, { scale: c.scale, inUse });
  if (!isGradeOf(c.scale, c.grade)) throw new RuleViolation('grade-not-in-scale', `${c.grade} is not a grade of the ${c.scale} scale`);
  if (!c.subject.existed) {
    const { from, to } = periodDays(c.year, c.period);
    // An officer is a member in a post: one who held none was called an officer that "did not exist" (a probe).
    const what = c.subjectType === 'officer' ? `member ${c.subjectId} held no post of a branch` : `${c.subjectType} ${c.subjectId} did not exist`;
    throw new RuleViolation('subject-did-not-exist', `${what} between ${from} and ${to}`);
  }
  checkSuccessorCycle(c);
  if (c.period === 'school' && c.residentialBranch) {
    // A branch is one; a member or an officer sits in one (a probe read "branch a2 sits in a residential branch (a2)").
    const where = c.subjectType === 'branch' ? 'is a residential branch' : `sits in a residential branch (${c.subject.placement.branchId})`;
    throw new RuleViolation('period-not-for-branch', `${c.subjectType} ${c.subjectId} ${where}, rated by calendar year: the school year is for school branches`, { period: c.period });
  }
  if (s.decided !== null) throw new ConflictError('already-decided', `the ${periodKey(c.year, c.period)} rating of ${c.subjectType} ${c.subjectId} is decided; it changes only through a rating change`);
  if (c.stage === 'decision' && s.selfAssessed === null) throw new RuleViolation('self-assessment-first', `${c.subjectType} ${c.subjectId} has not assessed itself for ${periodKey(c.year, c.period)}`);
  // The level above decides on the self-assessment, so not on a day before it (a probe's read of such a day showed a decision nobody had assessed).
  if (c.stage === 'decision' && c.on !== undefined && s.selfAssessedOn !== '' && c.on < s.selfAssessedOn) {
    throw new RuleViolation('decision-before-self-assessment', `${c.subjectType} ${c.subjectId} assessed itself for ${periodKey(c.year, c.period)} on ${s.selfAssessedOn}: the decision is dated on or after it, not ${c.on}`, { selfAssessedOn: s.selfAssessedOn });
  }
  const data = { ratingId: ratingIdOfCommand(c), subjectType: c.subjectType, subjectId: c.subjectId, year: c.year, period: c.period, periodKey: periodKey(c.year, c.period), scale: c.scale, grade: c.grade, placement: c.subject.placement };
  return [c.stage === 'decision' ? { type: 'RatingDecided', data } : { type: 'RatingSelfAssessed', data }];
}

/** A branch made by a merger or split is rated from the next cycle on: the predecessors' ratings stand for the one it began in (domain.md). */
function checkSuccessorCycle(c: RecordRating): void {
  const since = c.subjectType === 'branch' ? c.subject.successorSince : null;
  if (!since) return;
  const { from, to } = periodDays(c.year, c.period);
  if (from < since && since <= to) {
    throw new RuleViolation('successor-rated-next-cycle', `branch ${c.subjectId} was made by a merger or split on ${since}: it is rated from its next cycle on, its predecessors' ratings stand for ${periodKey(c.year, c.period)}`, { since });
  }
}
