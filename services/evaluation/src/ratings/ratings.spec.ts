import { ConflictError, deciderSpecification, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { RatingEvent } from '@register/contracts';
import { ratingDecider } from '../testing/rating-decider';
import { RecordRating } from './record-rating';

const spec = deciderSpecification(ratingDecider);
const rule = (name: string) => (e: RuleViolation | ConflictError) => e.rule === name;
const placement = { branchId: 'b1', unitIds: ['xa-1', 'qc'] };
const subject = { subjectType: 'branch' as const, subjectId: 'b1', year: 2020, scale: 'branch-classic' as const };

const rate = (over: Partial<RecordRating> = {}): RecordRating => ({
  type: 'RecordRating',
  subjectType: 'branch',
  subjectId: 'b1',
  year: 2020,
  period: 'calendar',
  scale: 'branch-classic',
  grade: 'good',
  stage: 'self-assessment',
  subject: { existed: true, placement },
  ...over,
});

const facts = (grade: string) => ({ ratingId: 'branch.2020.b1', subjectType: 'branch' as const, subjectId: 'b1', year: 2020, period: 'calendar' as const, periodKey: '2020', scale: 'branch-classic' as const, grade, placement });
const selfAssessed = (grade = 'strong'): RatingEvent => ({ type: 'RatingSelfAssessed', data: facts(grade) });
const decided = (grade = 'good'): RatingEvent => ({ type: 'RatingDecided', data: facts(grade) });
const proposed = (n = 1, by = 'huyen-1', to = 'strong', from = 'good'): RatingEvent => ({ type: 'RatingChangeProposed', data: { ratingId: 'branch.2020.b1', changeId: `c${n}.branch.2020.b1`, ...subject, fromGrade: from, toGrade: to, proposedBy: by } });

describe('ratings: stages', () => {
  it('a branch assesses itself for the year, on the scale then in use', () => spec.given([]).when(rate()).then([{ type: 'RatingSelfAssessed', data: facts('good') }]));

  it('then the level above decides', () => spec.given([selfAssessed()]).when(rate({ stage: 'decision', grade: 'good' })).then([decided('good')]));

  it('no decision before a self-assessment (self-assessment-first)', () => spec.given([]).when(rate({ stage: 'decision' })).thenThrows(RuleViolation, rule('self-assessment-first')));

  it('a second decision for the same subject and period is a conflict (409 already-decided)', () =>
    spec.given([selfAssessed(), decided()]).when(rate({ stage: 'decision', grade: 'strong' })).thenThrows(ConflictError, rule('already-decided')));

  it('a self-assessment after the decision is refused too', () => spec.given([selfAssessed(), decided()]).when(rate()).thenThrows(ConflictError, rule('already-decided')));

  it('a self-assessment may be made again before the decision', () => spec.given([selfAssessed('weak')]).when(rate()).then([{ type: 'RatingSelfAssessed', data: facts('good') }]));

  it('a school year is its own period, keyed 2024-2025', () =>
    spec
      .given([])
      .when(rate({ year: 2024, period: 'school', scale: 'four-level', grade: 'excellent' }))
      .then([{ type: 'RatingSelfAssessed', data: { ...facts('excellent'), ratingId: 'branch.2024-2025.b1', year: 2024, period: 'school', periodKey: '2024-2025', scale: 'four-level' } }]));
});

describe('ratings: scales by year', () => {
  it('four levels for 2020 are refused (scale-not-in-use)', () => spec.given([]).when(rate({ scale: 'four-level', grade: 'excellent' })).thenThrows(RuleViolation, rule('scale-not-in-use')));

  it('the classic branch scale for 2024 is refused (scale-not-in-use)', () => spec.given([]).when(rate({ year: 2024, grade: 'strong' })).thenThrows(RuleViolation, rule('scale-not-in-use')));

  it('four levels from 2023, for members as for branches', () =>
    spec
      .given([])
      .when(rate({ subjectType: 'member', subjectId: 'm1', year: 2023, scale: 'four-level', grade: 'completed' }))
      .then([{ type: 'RatingSelfAssessed', data: { ...facts('completed'), ratingId: 'member.2023.m1', subjectType: 'member', subjectId: 'm1', year: 2023, periodKey: '2023', scale: 'four-level' } }]));

  it("members were rated on the members' classic scale before 2023, not the branches'", () =>
    spec.given([]).when(rate({ subjectType: 'member', subjectId: 'm1', grade: 'strong' })).thenThrows(RuleViolation, rule('scale-not-in-use')));

  it('a grade of another scale is refused (grade-not-in-scale)', () => spec.given([]).when(rate({ grade: 'excellent' })).thenThrows(RuleViolation, rule('grade-not-in-scale')));
});

describe('ratings: subjects', () => {
  it('a subject that did not exist during the period is not rated (subject-did-not-exist)', () =>
    spec.given([]).when(rate({ subject: { existed: false, placement } })).thenThrows(RuleViolation, rule('subject-did-not-exist')));
});

describe('rating changes: four eyes', () => {
  const propose = (grade = 'strong', actor = 'huyen-1') => ({ type: 'ProposeRatingChange' as const, ratingId: 'branch.2020.b1', grade, actor });
  const settle = (outcome: 'approval' | 'rejection', actor = 'huyen-2', n = 1) => ({ type: 'SettleRatingChange' as const, ratingId: 'branch.2020.b1', changeId: `c${n}.branch.2020.b1`, outcome, actor });

  it('a decided rating changes by a proposal, keeping both grades and the proposer', () => spec.given([selfAssessed(), decided()]).when(propose()).then([proposed()]));

  it('another person approves it', () =>
    spec
      .given([selfAssessed(), decided(), proposed()])
      .when(settle('approval'))
      .then([{ type: 'RatingChangeApproved', data: { ratingId: 'branch.2020.b1', changeId: 'c1.branch.2020.b1', ...subject, fromGrade: 'good', toGrade: 'strong', proposedBy: 'huyen-1', approvedBy: 'huyen-2' } }]));

  it('or rejects it', () =>
    spec
      .given([selfAssessed(), decided(), proposed()])
      .when(settle('rejection'))
      .then([{ type: 'RatingChangeRejected', data: { ratingId: 'branch.2020.b1', changeId: 'c1.branch.2020.b1', ...subject, fromGrade: 'good', toGrade: 'strong', proposedBy: 'huyen-1', rejectedBy: 'huyen-2' } }]));

  it('the proposer does not approve their own proposal (four-eyes)', () =>
    spec.given([selfAssessed(), decided(), proposed()]).when(settle('approval', 'huyen-1')).thenThrows(RuleViolation, rule('four-eyes')));

  it('nor reject it', () => spec.given([selfAssessed(), decided(), proposed()]).when(settle('rejection', 'huyen-1')).thenThrows(RuleViolation, rule('four-eyes')));

  it('an undecided rating has nothing to change (not-decided)', () => spec.given([selfAssessed()]).when(propose()).thenThrows(RuleViolation, rule('not-decided')));

  it('an unknown rating is 404', () => spec.given([]).when(propose()).thenThrows(NotFoundError));

  it('one change at a time (409 change-pending)', () => spec.given([selfAssessed(), decided(), proposed()]).when(propose('average', 'huyen-3')).thenThrows(ConflictError, rule('change-pending')));

  it('a change to the grade it already has is refused (same-grade)', () => spec.given([selfAssessed(), decided()]).when(propose('good')).thenThrows(RuleViolation, rule('same-grade')));

  it("a grade outside the rating's scale is refused (grade-not-in-scale)", () => spec.given([selfAssessed(), decided()]).when(propose('excellent')).thenThrows(RuleViolation, rule('grade-not-in-scale')));

  it('a settled change is settled once (409 change-settled); the next change is numbered on', () => {
    const approved: RatingEvent = { type: 'RatingChangeApproved', data: { ratingId: 'branch.2020.b1', changeId: 'c1.branch.2020.b1', ...subject, fromGrade: 'good', toGrade: 'strong', proposedBy: 'huyen-1', approvedBy: 'huyen-2' } };
    spec.given([selfAssessed(), decided(), proposed(), approved]).when(settle('rejection', 'huyen-3')).thenThrows(ConflictError, rule('change-settled'));
    spec.given([selfAssessed(), decided(), proposed(), approved]).when(propose('good')).then([proposed(2, 'huyen-1', 'good', 'strong')]);
  });

  it('an unknown change is 404', () => spec.given([selfAssessed(), decided()]).when(settle('approval', 'huyen-2', 7)).thenThrows(NotFoundError));
});
