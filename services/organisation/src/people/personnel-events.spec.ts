import { Clock } from '@register/service-kit';
import { applyPersonnelEvent } from './personnel-events';
import { PeopleReplica } from './people-replica';

const event = (type: string, data: Record<string, unknown>) => ({ type, data });

describe("organisation's replica of personnel", () => {
  it('counts members by branch through admissions, transfers and status changes', () => {
    const people = new PeopleReplica();
    for (const [m, b] of [['m1', 'b1'], ['m2', 'b1'], ['m3', 'b2']]) applyPersonnelEvent(people, event('MemberAdmitted', { memberId: m, branchId: b, personal: null }));
    applyPersonnelEvent(people, event('MemberTransferred', { memberId: 'm2', fromBranchId: 'b1', toBranchId: 'b2', cause: 'merger' }));
    applyPersonnelEvent(people, event('MemberStatusChanged', { memberId: 'm3', branchId: 'b2', status: 'away-work', previousStatus: 'active' }));
    expect([people.memberCount('b1'), people.memberCount('b2')]).toEqual([1, 2]);
    applyPersonnelEvent(people, event('MemberStatusChanged', { memberId: 'm1', branchId: 'b1', status: 'unassigned', previousStatus: 'active' }));
    applyPersonnelEvent(people, event('MemberStatusChanged', { memberId: 'm3', branchId: 'b2', status: 'left', previousStatus: 'away-work' }));
    expect([people.memberCount('b1'), people.membersOf('b2')]).toEqual([0, ['m2']]);
  });

  it('knows who holds the posts: appointed, then departed', () => {
    const people = new PeopleReplica();
    applyPersonnelEvent(people, event('OfficerAppointed', { branchId: 'b1', memberId: 'm1', role: 'secretary', startsOn: '2024-01-01' }));
    applyPersonnelEvent(people, event('OfficerAppointed', { branchId: 'b1', memberId: 'm2', role: 'deputy-secretary', startsOn: '2024-01-01' }));
    expect(people.hasSecretary('b1')).toBe(true);
    applyPersonnelEvent(people, event('OfficerDeparted', { branchId: 'b1', memberId: 'm1', role: 'secretary', cause: 'merger' }));
    expect([people.hasSecretary('b1'), people.officersOf('b1')]).toEqual([false, [{ memberId: 'm2', role: 'deputy-secretary', startsOn: '2024-01-01' }]]);
  });

  it('does not count a secretary appointed from a later day as in post until that day', () => {
    const clock = new Clock();
    clock.setTo('2026-12-05');
    const people = new PeopleReplica(clock);
    applyPersonnelEvent(people, event('OfficerAppointed', { branchId: 'b1', memberId: 'm1', role: 'secretary', startsOn: '2030-01-01' }));
    expect(people.hasSecretary('b1')).toBe(false);
    clock.setTo('2030-01-01');
    expect(people.hasSecretary('b1')).toBe(true);
  });

  it('a merger recorded late places a member who left the branch since in the successor for the days between; today stays', () => {
    const people = new PeopleReplica();
    const dated = (type: string, data: Record<string, unknown>, on: string) => ({ type, data, metadata: { effectiveDate: on } });
    applyPersonnelEvent(people, dated('MemberAdmitted', { memberId: 'm1', branchId: 'b1', admittedOn: '2025-02-01', personal: null }, '2025-02-01'));
    applyPersonnelEvent(people, dated('MemberTransferred', { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b2', transferredOn: '2025-09-01', cause: 'transfer' }, '2025-09-01'));
    applyPersonnelEvent(people, dated('MemberMovedForPeriod', { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b3', movedOn: '2025-07-01', until: '2025-09-01', cause: 'merger' }, '2025-07-01'));
    const on = (day: string) => ['b1', 'b2', 'b3'].map((b) => people.history.on(day).memberCount(b));
    expect([on('2025-06-30'), on('2025-08-01'), on('2025-09-01')]).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    expect([people.memberCount('b2'), people.memberCount('b3')]).toEqual([1, 0]);
  });

  it('a leaving dated before a merger recorded already takes the move back: out of every branch from the leaving, not in the successor from the merger (a probe)', () => {
    const people = new PeopleReplica();
    const dated = (type: string, data: Record<string, unknown>, on: string) => ({ type, data, metadata: { effectiveDate: on } });
    applyPersonnelEvent(people, dated('MemberAdmitted', { memberId: 'm1', branchId: 'b1', admittedOn: '2025-02-01', personal: null }, '2025-02-01'));
    applyPersonnelEvent(people, dated('MemberTransferred', { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b3', transferredOn: '2025-07-01', cause: 'merger' }, '2025-07-01'));
    applyPersonnelEvent(people, dated('MemberStatusChanged', { memberId: 'm1', branchId: 'b1', status: 'left', previousStatus: 'active', changedOn: '2025-05-01' }, '2025-05-01'));
    applyPersonnelEvent(people, dated('MemberMoveTakenBack', { memberId: 'm1', fromBranchId: 'b3', toBranchId: 'b1', movedOn: '2025-07-01', leftOn: '2025-05-01', cause: 'merger' }, '2025-07-01'));
    const on = (day: string) => ['b1', 'b3'].map((b) => people.history.on(day).memberCount(b));
    expect([on('2025-04-30'), on('2025-05-01'), on('2025-07-01')]).toEqual([[1, 0], [0, 0], [0, 0]]);
    expect([people.memberCount('b1'), people.memberCount('b3')]).toEqual([0, 0]);
  });
});
