import { ConflictError, deciderSpecification, routedDecider, RuleViolation } from '@register/event-sourcing';
import { MentorAssignmentEvent } from '@register/contracts';
import { evolveAssignment, MentorAssignment, mentorAssignmentAggregate, noAssignment, statusOn } from '../domain/mentor-assignment';
import { AssignMentor, decideAssignment, decideEnding, EndAssignment } from './mentor-decisions';

const spec = deciderSpecification(routedDecider<AssignMentor | EndAssignment, MentorAssignmentEvent, MentorAssignment>(mentorAssignmentAggregate, { AssignMentor: decideAssignment, EndAssignment: decideEnding }));
const rule = (name: string) => (e: RuleViolation | ConflictError) => e.rule === name;
const assign = (over: Partial<AssignMentor> = {}): AssignMentor => ({
  type: 'AssignMentor', assignmentId: 'a1', branchId: 'b1', branchStatus: 'active', mentorMemberId: 'm1', mentor: { memberId: 'm1', branchId: 'b7', active: true, away: false }, startsOn: '2025-07-01', endsOn: null, sameMentor: [], ...over,
});
const assigned: MentorAssignmentEvent = { type: 'MentorAssigned', data: { assignmentId: 'a1', branchId: 'b1', mentorMemberId: 'm1', startsOn: '2025-07-01', endsOn: null } };
const end = (endsOn: string, cause: EndAssignment['cause'] = 'ended', ifActive?: boolean): EndAssignment => ({ type: 'EndAssignment', assignmentId: 'a1', endsOn, cause, ...(ifActive ? { ifActive } : {}) });

describe('mentor assignments', () => {
  it('assigns an active member to guide an open branch', () => spec.given([]).when(assign()).then([assigned]));
  it('refuses a mentor who is not an active member (422), a closed or unknown branch (422), an end before the start (422)', () => {
    spec.given([]).when(assign({ mentor: { memberId: 'm1', branchId: 'b7', active: false, away: false } })).thenThrows(RuleViolation, rule('not-an-active-member'));
    spec.given([]).when(assign({ mentor: undefined })).thenThrows(RuleViolation, rule('not-an-active-member'));
    spec.given([]).when(assign({ branchStatus: 'closed' })).thenThrows(RuleViolation, rule('branch-closed'));
    spec.given([]).when(assign({ branchStatus: 'unknown' })).thenThrows(RuleViolation, rule('branch-unknown'));
    spec.given([]).when(assign({ endsOn: '2025-06-30' })).thenThrows(RuleViolation, rule('ends-before-start'));
  });
  it('refuses a mentor admitted only after the assignment starts (422 admitted-after-start)', () => {
    spec.given([]).when(assign({ mentor: { memberId: 'm1', branchId: 'b7', active: true, away: false, admittedOn: '2025-07-02' } })).thenThrows(RuleViolation, rule('admitted-after-start'));
    spec.given([]).when(assign({ mentor: { memberId: 'm1', branchId: 'b7', active: true, away: false, admittedOn: '2025-07-01' } })).then([assigned]);
  });
  it('refuses a mentor away for work or study (422 member-away)', () =>
    spec.given([]).when(assign({ mentor: { memberId: 'm1', branchId: 'b7', active: true, away: true } })).thenThrows(RuleViolation, rule('member-away')));
  it('refuses the same mentor for the same branch in an overlapping period (409 already-assigned), not in one after it', () => {
    const earlier = (endsOn: string | null) => [{ assignmentId: 'a0', startsOn: '2025-01-01', endsOn }];
    spec.given([]).when(assign({ sameMentor: earlier(null) })).thenThrows(ConflictError, (e) => e.rule === 'already-assigned' && JSON.stringify(e.details) === '{"assignmentIds":["a0"]}');
    spec.given([]).when(assign({ sameMentor: earlier('2025-07-02') })).thenThrows(ConflictError, rule('already-assigned'));
    spec.given([]).when(assign({ startsOn: '2024-06-01', endsOn: '2025-01-02', sameMentor: earlier('2025-03-01') })).thenThrows(ConflictError, rule('already-assigned'));
    spec.given([]).when(assign({ sameMentor: earlier('2025-07-01') })).then([assigned]);
    spec.given([]).when(assign({ startsOn: '2024-06-01', endsOn: '2025-01-01', sameMentor: earlier(null) })).then([{ ...assigned, data: { ...assigned.data, startsOn: '2024-06-01', endsOn: '2025-01-01' } } as MentorAssignmentEvent]);
  });
  it('refuses the same assignment id twice (409)', () => spec.given([assigned]).when(assign()).thenThrows(ConflictError, rule('assignment-exists')));
  it('ends an assignment, with its cause', () =>
    spec.given([assigned]).when(end('2025-12-01', 'merger')).then([{ type: 'MentorAssignmentEnded', data: { assignmentId: 'a1', branchId: 'b1', mentorMemberId: 'm1', endsOn: '2025-12-01', cause: 'merger' } }]));
  it('ends once: again is 422, and a reaction that finds it ended does nothing', () => {
    const ended: MentorAssignmentEvent = { type: 'MentorAssignmentEnded', data: { assignmentId: 'a1', branchId: 'b1', mentorMemberId: 'm1', endsOn: '2025-12-01', cause: 'ended' } };
    spec.given([assigned, ended]).when(end('2025-12-02')).thenThrows(RuleViolation, rule('assignment-ended'));
    spec.given([assigned, ended]).when(end('2025-12-02', 'merger', true)).thenNothingHappens();
  });
  it('refuses an end before the start, but a merger dated earlier ends it on its first day', () => {
    spec.given([assigned]).when(end('2025-06-01')).thenThrows(RuleViolation, rule('ends-before-start'));
    spec.given([assigned]).when(end('2025-06-01', 'merger', true)).then([{ type: 'MentorAssignmentEnded', data: { assignmentId: 'a1', branchId: 'b1', mentorMemberId: 'm1', endsOn: '2025-07-01', cause: 'merger' } }]);
  });
  it('an ending shortens a planned assignment, never lengthens it (422 ends-after-planned-end); a merger after the planned end finds it over, and records nothing', () => {
    const planned: MentorAssignmentEvent = { ...assigned, data: { ...assigned.data, endsOn: '2025-12-31' } } as MentorAssignmentEvent;
    const endedOn = (endsOn: string, cause: EndAssignment['cause']): MentorAssignmentEvent[] => [{ type: 'MentorAssignmentEnded', data: { assignmentId: 'a1', branchId: 'b1', mentorMemberId: 'm1', endsOn, cause } }];
    spec.given([planned]).when(end('2026-01-30')).thenThrows(RuleViolation, rule('ends-after-planned-end'));
    spec.given([planned]).when(end('2025-10-01')).then(endedOn('2025-10-01', 'ended'));
    spec.given([planned]).when(end('2025-12-31')).then(endedOn('2025-12-31', 'ended'));
    spec.given([planned]).when(end('2026-03-01', 'merger', true)).thenNothingHappens();
    spec.given([planned]).when(end('2025-11-01', 'merger', true)).then(endedOn('2025-11-01', 'merger'));
  });
});

describe("a mentor assignment's status on a day", () => {
  const set = (endsOn: string | null) => ({ endsOn });
  it('is active from its start while its end has not come, open-ended or not', () => {
    expect(statusOn(set(null), '2026-12-05')).toBe('active');
    expect(statusOn(set('2026-12-06'), '2026-12-05')).toBe('active');
  });
  it('is ended on and after its endsOn, though no ending was recorded (the log still says active)', () => {
    const lapsed = evolveAssignment(noAssignment(), assigned);
    expect(lapsed.status).toBe('active');
    expect(statusOn({ ...lapsed, endsOn: '2025-12-31' }, '2026-12-05')).toBe('ended');
    expect(statusOn(set('2026-12-05'), '2026-12-05')).toBe('ended');
  });
});
