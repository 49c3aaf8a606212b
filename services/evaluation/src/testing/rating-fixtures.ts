import { RatingEvent } from '@register/contracts';
import { ConflictError, RuleViolation } from '@register/event-sourcing';

/** The facts of branch b1's 2020 rating, for specifications. */
export const placement = { branchId: 'b1', unitIds: ['xa-1', 'qc'] };
export const subject = { subjectType: 'branch' as const, subjectId: 'b1', year: 2020, scale: 'branch-classic' as const };
export const facts = (grade: string) => ({ ratingId: 'branch.2020.b1', ...subject, period: 'calendar' as const, periodKey: '2020', grade, placement });
export const selfAssessed = (grade = 'strong'): RatingEvent => ({ type: 'RatingSelfAssessed', data: facts(grade) });
export const decided = (grade = 'good'): RatingEvent => ({ type: 'RatingDecided', data: facts(grade) });
export const proposed = (n = 1, by = 'huyen-1', to = 'strong', from = 'good'): RatingEvent => ({
  type: 'RatingChangeProposed',
  data: { ratingId: 'branch.2020.b1', changeId: `c${n}.branch.2020.b1`, ...subject, fromGrade: from, toGrade: to, proposedBy: by },
});
/** The refusal names this rule. */
export const rule = (name: string) => (e: RuleViolation | ConflictError) => e.rule === name;
