import { ConflictError, deciderSpecification, RuleViolation } from '@register/event-sourcing';
import { commendationDecider, IssueCommendation } from './issue-commendation';

const placement = { branchId: 'b1', unitIds: ['xa-1', 'qc'] };
const rule = (name: string) => (e: RuleViolation | ConflictError) => e.rule === name;

describe('commendations', () => {
  const spec = deciderSpecification(commendationDecider);
  const issue = (over: Partial<IssueCommendation> = {}): IssueCommendation => ({
    type: 'IssueCommendation', commendationId: 'k1', subjectType: 'officer', subjectId: 'm1', year: 2024, occasion: 'founding-day', title: 'Bí thư chi đoàn giỏi', issuedByUnitId: 'qc', awardRef: 'award-7', subject: { existed: true, placement }, ...over,
  });
  const issued = { type: 'CommendationIssued' as const, data: { commendationId: 'k1', subjectType: 'officer' as const, subjectId: 'm1', year: 2024, occasion: 'founding-day' as const, title: 'Bí thư chi đoàn giỏi', issuedByUnitId: 'qc', awardRef: 'award-7', placement } };

  it('a unit above the subject commends it for a year, citing a competition award', () => spec.given([]).when(issue()).then([issued]));
  it('once (409 already-issued)', () => spec.given([issued]).when(issue()).thenThrows(ConflictError, rule('already-issued')));
  it('not a subject that did not exist that year (subject-did-not-exist)', () => spec.given([]).when(issue({ subject: { existed: false, placement } })).thenThrows(RuleViolation, rule('subject-did-not-exist')));
  it('by a unit the subject belongs to (issuer-not-above)', () => spec.given([]).when(issue({ issuedByUnitId: 'xa-9' })).thenThrows(RuleViolation, rule('issuer-not-above')));
});
