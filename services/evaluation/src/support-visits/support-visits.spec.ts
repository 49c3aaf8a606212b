import { ConflictError, deciderSpecification, RuleViolation } from '@register/event-sourcing';
import { RecordSupportVisit, supportVisitDecider } from './record-support-visit';

const placement = { branchId: 'b1', unitIds: ['xa-1', 'qc'] };
const rule = (name: string) => (e: RuleViolation | ConflictError) => e.rule === name;

describe('support visits', () => {
  const spec = deciderSpecification(supportVisitDecider);
  const visit = (over: Partial<RecordSupportVisit> = {}): RecordSupportVisit => ({ type: 'RecordSupportVisit', visitId: 'v1', memberId: 'm1', visitedOn: '2024-02-01', byUnitId: 'xa-1', gift: 'Quà Tết', officer: { existed: true, placement }, today: '2024-02-01', ...over });

  it('records who visited which officer, when, and what was given', () =>
    spec.given([]).when(visit()).then([{ type: 'SupportVisitRecorded', data: { visitId: 'v1', memberId: 'm1', visitedOn: '2024-02-01', byUnitId: 'xa-1', gift: 'Quà Tết', placement } }]));
  it('only to a member holding a post that day (not-an-officer)', () => spec.given([]).when(visit({ officer: { existed: false, placement } })).thenThrows(RuleViolation, rule('not-an-officer')));
  it('once made: a visit on a day that has not come is refused (422 day-not-come)', () => spec.given([]).when(visit({ visitedOn: '2024-02-02' })).thenThrows(RuleViolation, rule('day-not-come')));
  it('by a unit above the officer (visitor-not-above)', () => spec.given([]).when(visit({ byUnitId: 'xa-9' })).thenThrows(RuleViolation, rule('visitor-not-above')));
  it('by a unit the register knows (visitor-unknown, not "not above": a probe was told so)', () => spec.given([]).when(visit({ byUnitId: 'khong-ton-tai', visitorKnown: false })).thenThrows(RuleViolation, rule('visitor-unknown')));
});
