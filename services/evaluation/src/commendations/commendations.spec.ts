import { ConflictError, deciderSpecification, RecordedEvent, RuleViolation } from '@register/event-sourcing';
import { evaluationSchemas } from '../application/schemas';
import { commendationDecider, IssueCommendation } from './issue-commendation';

const placement = { branchId: 'b1', unitIds: ['xa-1', 'qc'] };
const rule = (name: string) => (e: RuleViolation | ConflictError) => e.rule === name;

describe('commendations', () => {
  const spec = deciderSpecification(commendationDecider);
  const issue = (over: Partial<IssueCommendation> = {}): IssueCommendation => ({
    type: 'IssueCommendation', commendationId: 'k1', subjectType: 'officer', subjectId: 'm1', year: 2024, occasion: 'competition', title: 'Bí thư chi đoàn giỏi', issuedByUnitId: 'qc', awardRef: 'hoi-thi-7:m1', award: { memberId: 'm1', award: 'Giải nhất' }, subject: { existed: true, placement }, today: '2025-01-15', ...over,
  });
  const issued = { type: 'CommendationIssued' as const, data: { commendationId: 'k1', subjectType: 'officer' as const, subjectId: 'm1', year: 2024, occasion: 'competition' as const, title: 'Bí thư chi đoàn giỏi', issuedByUnitId: 'qc', awardRef: 'hoi-thi-7:m1', award: 'Giải nhất', placement } };
  const uncited = { awardRef: null, award: null };

  it('a unit above the subject commends it for a year, citing a competition award: the event keeps the award', () => spec.given([]).when(issue()).then([issued]));
  it('a member, citing their award', () => spec.given([]).when(issue({ subjectType: 'member' })).then([{ ...issued, data: { ...issued.data, subjectType: 'member' } }]));
  it('without an award, on any occasion', () =>
    spec.given([]).when(issue({ occasion: 'founding-day', ...uncited })).then([{ ...issued, data: { ...issued.data, occasion: 'founding-day', awardRef: null, award: null } }]));
  it('not dated after the day it is recorded (day-not-come, naming effectiveDate), as visits', () => {
    spec.given([]).when(issue({ on: '2025-01-16' })).thenThrows(RuleViolation, (e) => e.rule === 'day-not-come' && e.details.field === 'effectiveDate');
    spec.given([]).when(issue({ on: '2025-01-15' })).then([issued]);
  });
  it('not for a year that has not begun (year-not-come), as ratings', () => {
    spec.given([]).when(issue({ year: 2026, ...uncited, occasion: 'founding-day' })).thenThrows(RuleViolation, rule('year-not-come'));
    spec.given([]).when(issue({ year: 2025, ...uncited, occasion: 'founding-day' })).then([{ ...issued, data: { ...issued.data, year: 2025, occasion: 'founding-day', awardRef: null, award: null } }]);
  });
  it('not from a unit the register does not know (issuer-unknown), rather than one "not above" (found by a black-box probe)', () =>
    spec.given([]).when(issue({ issuedByUnitId: 'nowhere', issuerKnown: false })).thenThrows(RuleViolation, (e) => e.rule === 'issuer-unknown' && e.message.includes('nowhere')));
  it('not citing an award evaluation has not heard of from training (unknown-award)', () => spec.given([]).when(issue({ award: null })).thenThrows(RuleViolation, rule('unknown-award')));
  it("for the year of the cited award's competition (award-of-another-year); an award kept without its day is not checked", () => {
    spec.given([]).when(issue({ award: { memberId: 'm1', award: 'Giải nhất', heldOn: '2025-10-15' } })).thenThrows(RuleViolation, rule('award-of-another-year'));
    spec.given([]).when(issue({ award: { memberId: 'm1', award: 'Giải nhất', heldOn: '2024-10-15' } })).then([issued]);
  });
  it("not citing another member's award (award-of-another-member)", () => spec.given([]).when(issue({ subjectId: 'm2' })).thenThrows(RuleViolation, rule('award-of-another-member')));
  it('not citing an award for a branch (award-of-another-member: awards go to members)', () =>
    spec.given([]).when(issue({ subjectType: 'branch', subjectId: 'b1' })).thenThrows(RuleViolation, rule('award-of-another-member')));
  it("an award is cited on the occasion 'competition' only (award-needs-competition)", () =>
    spec.given([]).when(issue({ occasion: 'year-end' })).thenThrows(RuleViolation, rule('award-needs-competition')));
  it('once (409 already-issued)', () => spec.given([issued]).when(issue()).thenThrows(ConflictError, rule('already-issued')));
  it('not a subject that did not exist that year (subject-did-not-exist)', () => spec.given([]).when(issue({ subject: { existed: false, placement } })).thenThrows(RuleViolation, rule('subject-did-not-exist')));
  it('by a unit the subject belongs to (issuer-not-above)', () => spec.given([]).when(issue({ issuedByUnitId: 'xa-9' })).thenThrows(RuleViolation, rule('issuer-not-above')));
  it('by a unit open on its day (issuer-closed), and by the successor of a unit above the subject merged away by then (found by a black-box probe)', () => {
    spec.given([]).when(issue({ issuerClosedOn: '2025-01-01' })).thenThrows(RuleViolation, rule('issuer-closed'));
    spec.given([]).when(issue({ issuedByUnitId: 'xa-12', issuers: ['xa-1', 'qc', 'xa-12'] })).then([{ ...issued, data: { ...issued.data, issuedByUnitId: 'xa-12' } }]);
  });
});

describe('CommendationIssued version 1, read through the schemas', () => {
  const v1 = { type: 'CommendationIssued', schemaVersion: 1, data: { commendationId: 'k0', subjectType: 'officer', subjectId: 'm1', year: 2024, occasion: 'competition', title: 'Bí thư giỏi', issuedByUnitId: 'qc', awardRef: 'giai-nhat-2024', placement } } as unknown as RecordedEvent;
  it('keeps its free-text awardRef and reads with no award text (award null)', () =>
    expect(evaluationSchemas.upcast(v1)).toMatchObject({ schemaVersion: 2, data: { awardRef: 'giai-nhat-2024', award: null } }));
  it('leaves a version 2 event as it is', () => expect(evaluationSchemas.upcast({ ...v1, schemaVersion: 2, data: { ...(v1.data as object), award: 'Giải nhất' } } as RecordedEvent).data).toMatchObject({ award: 'Giải nhất' }));
});
