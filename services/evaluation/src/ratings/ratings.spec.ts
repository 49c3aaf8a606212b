import { ConflictError, deciderSpecification, RuleViolation } from '@register/event-sourcing';
import { ratingDecider } from '../testing/rating-decider';
import { placement, facts, selfAssessed, decided, rule } from '../testing/rating-fixtures';
import { RecordRating } from './record-rating';

const spec = deciderSpecification(ratingDecider);

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
  residentialBranch: false,
  today: '2025-06-01',
  ...over,
});

describe('ratings: stages', () => {
  it('a branch assesses itself for the year, on the scale then in use', () => spec.given([]).when(rate()).then([{ type: 'RatingSelfAssessed', data: facts('good') }]));

  it('then the level above decides', () => spec.given([selfAssessed()]).when(rate({ stage: 'decision', grade: 'good' })).then([decided('good')]));

  it('no decision before a self-assessment (self-assessment-first)', () => spec.given([]).when(rate({ stage: 'decision' })).thenThrows(RuleViolation, rule('self-assessment-first')));

  it('no rating dated before its period began (year-not-come, a re-probe: a 2024 rating dated 2023)', () => {
    spec.given([]).when(rate({ year: 2024, scale: 'four-level', on: '2023-05-01' })).thenThrows(RuleViolation, rule('year-not-come'));
    spec.given([]).when(rate({ year: 2024, scale: 'four-level', on: '2024-01-01' })).then([{ type: 'RatingSelfAssessed', data: { ...facts('good'), ratingId: 'branch.2024.b1', year: 2024, periodKey: '2024', scale: 'four-level' } }]);
  });

  it('no decision dated before the self-assessment it decides on (decision-before-self-assessment, a probe); on its day or after, it stands', () => {
    const assessedOn = { ...selfAssessed(), metadata: { effectiveDate: '2021-01-20' } } as unknown as ReturnType<typeof selfAssessed>;
    spec.given([assessedOn]).when(rate({ stage: 'decision', on: '2021-01-10' })).thenThrows(RuleViolation, rule('decision-before-self-assessment'));
    spec.given([assessedOn]).when(rate({ stage: 'decision', grade: 'good', on: '2021-01-20' })).then([decided('good')]);
  });

  it('a second decision for the same subject and period is a conflict (409 already-decided)', () =>
    spec.given([selfAssessed(), decided()]).when(rate({ stage: 'decision', grade: 'strong' })).thenThrows(ConflictError, rule('already-decided')));

  it('a self-assessment after the decision is refused too', () => spec.given([selfAssessed(), decided()]).when(rate()).thenThrows(ConflictError, rule('already-decided')));

  it('a self-assessment may be made again before the decision', () => spec.given([selfAssessed('weak')]).when(rate()).then([{ type: 'RatingSelfAssessed', data: facts('good') }]));

  it('a year that has not come is not rated, by the subject or the level above (422 year-not-come)', () => {
    spec.given([]).when(rate({ year: 2026, scale: 'four-level', grade: 'good', today: '2025-12-31' })).thenThrows(RuleViolation, rule('year-not-come'));
    spec.given([selfAssessed()]).when(rate({ stage: 'decision', today: '2019-12-31' })).thenThrows(RuleViolation, rule('year-not-come'));
  });

  it('the year under way may be assessed already', () =>
    spec.given([]).when(rate({ year: 2020, today: '2020-01-01' })).then([{ type: 'RatingSelfAssessed', data: facts('good') }]));

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

describe('ratings: periods', () => {
  const schoolYear = { year: 2024, period: 'school' as const, scale: 'four-level' as const, grade: 'good', residentialBranch: true };
  it('a residential branch is rated by calendar year, not school year (period-not-for-branch), and said to be one, not to sit in itself', () => {
    spec.given([]).when(rate(schoolYear)).thenThrows(RuleViolation, rule('period-not-for-branch'));
    expect(() => ratingDecider.decide(rate(schoolYear), ratingDecider.initialState())).toThrow(/branch \S+ is a residential branch, rated by calendar year/);
  });
  it("a member or an officer follows their branch: not by school year in a residential branch (period-not-for-branch)", () => {
    spec.given([]).when(rate({ ...schoolYear, subjectType: 'member', subjectId: 'm1' })).thenThrows(RuleViolation, rule('period-not-for-branch'));
    spec.given([]).when(rate({ ...schoolYear, subjectType: 'officer', subjectId: 'm1' })).thenThrows(RuleViolation, rule('period-not-for-branch'));
  });
  it('a residential branch by calendar year', () =>
    spec.given([]).when(rate({ residentialBranch: true })).then([{ type: 'RatingSelfAssessed', data: facts('good') }]));
});

describe('ratings: subjects', () => {
  it('a subject that did not exist during the period is not rated (subject-did-not-exist)', () =>
    spec.given([]).when(rate({ subject: { existed: false, placement } })).thenThrows(RuleViolation, rule('subject-did-not-exist')));

  it('a branch made by a merger or split during the year is rated from the next cycle on (successor-rated-next-cycle)', () =>
    spec.given([]).when(rate({ subject: { existed: true, placement, successorSince: '2020-09-01' } })).thenThrows(RuleViolation, rule('successor-rated-next-cycle')));

  it('… and for the next year, or a year it began on its first day, as any branch', () => {
    spec.given([]).when(rate({ year: 2021, subject: { existed: true, placement, successorSince: '2020-09-01' } })).then([{ type: 'RatingSelfAssessed', data: { ...facts('good'), year: 2021, periodKey: '2021', ratingId: 'branch.2021.b1' } }]);
    spec.given([]).when(rate({ subject: { existed: true, placement, successorSince: '2020-01-01' } })).then([{ type: 'RatingSelfAssessed', data: facts('good') }]);
  });

  it('a member of such a branch is rated for that year as any member', () =>
    spec.given([]).when(rate({ subjectType: 'member', subjectId: 'm1', scale: 'member-classic', subject: { existed: true, placement, successorSince: null } })).then([{ type: 'RatingSelfAssessed', data: { ...facts('good'), subjectType: 'member', subjectId: 'm1', scale: 'member-classic', ratingId: 'member.2020.m1' } }]));
});
