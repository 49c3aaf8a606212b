import { ConflictError, deciderSpecification, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { RatingEvent } from '@register/contracts';
import { ratingDecider } from '../testing/rating-decider';
import { subject, selfAssessed, decided, proposed, rule } from '../testing/rating-fixtures';

const spec = deciderSpecification(ratingDecider);

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

  it('a change takes effect after the grade it changes, and is settled after it was proposed (found by a black-box probe: a report counted -1)', () => {
    const on = (e: RatingEvent, effectiveDate: string) => ({ ...e, metadata: { effectiveDate } }) as unknown as RatingEvent;
    const given = [selfAssessed(), on(decided(), '2026-12-05')];
    spec.given(given).when({ ...propose(), on: '2026-12-04' }).thenThrows(RuleViolation, (e) => e.rule === 'change-before-decision' && e.message.includes('2026-12-05'));
    spec.given(given).when({ ...propose(), on: '2026-12-05' }).then([proposed()]);
    const pending = [...given, on(proposed(), '2026-12-06')];
    spec.given(pending).when({ ...settle('approval'), on: '2026-12-01' }).thenThrows(RuleViolation, (e) => e.rule === 'settled-before-proposal' && e.message.includes('2026-12-06'));
    spec.given(pending).when({ ...settle('rejection'), on: '2026-12-05' }).thenThrows(RuleViolation, rule('settled-before-proposal'));
    spec.given([...pending, on({ type: 'RatingChangeApproved', data: { ratingId: 'branch.2020.b1', changeId: 'c1.branch.2020.b1', ...subject, fromGrade: 'good', toGrade: 'strong', proposedBy: 'huyen-1', approvedBy: 'huyen-2' } } as RatingEvent, '2026-12-07')])
      .when({ ...propose('average', 'huyen-3'), on: '2026-12-06' })
      .thenThrows(RuleViolation, rule('change-before-decision'));
  });

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
