import { deciderSpecification, foldRecorded, RecordedEvent } from '@register/event-sourcing';
import { MemberEvent } from '@register/contracts';
import { admitted } from '../domain/fixtures';
import { dayInForce, memberAggregate } from '../domain/member';
import { memberDecider } from '../testing/member-decider';

const spec = deciderSpecification(memberDecider);
const transferred = (from: string, to: string, on: string, cause: 'transfer' | 'merger' = 'transfer'): MemberEvent => ({
  type: 'MemberTransferred',
  data: { memberId: 'm1', fromBranchId: from, toBranchId: to, transferredOn: on, duesSettledUpTo: on, cause },
});
const merged = { type: 'MoveMemberForPeriod' as const, memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b3', on: '2025-07-01', cause: 'merger' as const };
/** The merger's day is 1 July: a period that starts later (the member arrived later) takes effect on its own day. */
const period = (movedOn: string, until: string): MemberEvent => ({
  type: 'MemberMovedForPeriod',
  data: { memberId: 'm1', fromBranchId: 'b1', toBranchId: 'b3', movedOn, until, cause: 'merger' },
  ...(movedOn !== '2025-07-01' ? { effectiveOn: movedOn } : {}),
});

/** The member as a read `asOf` a day gives them: the events in force by then, folded in the order recorded. */
function branchOn(events: Array<{ e: MemberEvent; on: string }>, day: string) {
  const inForce = events.filter((x) => x.on <= day).map((x) => ({ ...x.e, metadata: { effectiveDate: x.on } }) as unknown as RecordedEvent);
  return foldRecorded(memberAggregate, inForce).branchId;
}

describe('a merger recorded late, of a branch the member left after its day', () => {
  it('restates the months between: in the successor from the merger until the transfer out', () =>
    spec.given([admitted('m1', 'b1', undefined, '2020-03-26'), transferred('b1', 'x1', '2025-09-01')]).when(merged).then([period('2025-07-01', '2025-09-01')]));

  it('starts the period on the arrival of a member who came into the branch after the merger', () =>
    spec.given([admitted('m1', 'b1', undefined, '2025-08-01'), transferred('b1', 'x1', '2025-09-01')]).when(merged).then([period('2025-08-01', '2025-09-01')]));

  it('restates nothing for a member who left before the merger, or who is still in the branch (TransferMember moves them)', () => {
    spec.given([admitted('m1', 'b1', undefined, '2020-03-26'), transferred('b1', 'x1', '2025-06-30')]).when(merged).then([]);
    spec.given([admitted('m1', 'b1', undefined, '2020-03-26')]).when(merged).then([]);
    spec.given([]).when(merged).then([]);
  });

  it('restates each stay in the branch that ended after the merger, once', () => {
    const history = [admitted('m1', 'b1', undefined, '2025-01-01'), transferred('b1', 'x1', '2025-08-01'), transferred('x1', 'b1', '2025-09-01'), transferred('b1', 'x2', '2025-10-01')];
    spec.given(history).when(merged).then([period('2025-07-01', '2025-08-01'), period('2025-09-01', '2025-10-01')]);
    spec.given([...history, period('2025-07-01', '2025-08-01'), period('2025-09-01', '2025-10-01')]).when(merged).then([]);
  });

  it('places the member in the successor on the days between, and where they went after, as of every day', () => {
    const events = [
      { e: admitted('m1', 'b1', undefined, '2020-03-26'), on: '2020-03-26' },
      { e: transferred('b1', 'x1', '2025-09-01'), on: '2025-09-01' },
      { e: period('2025-07-01', '2025-09-01'), on: '2025-07-01' },
    ];
    expect(['2025-06-30', '2025-07-01', '2025-08-31', '2025-09-01', '2026-01-01'].map((d) => branchOn(events, d))).toEqual(['b1', 'b3', 'b3', 'x1', 'x1']);
    const now = foldRecorded(memberAggregate, events.map((x) => ({ ...x.e, metadata: { effectiveDate: x.on } }) as unknown as RecordedEvent));
    expect(now.branches.map((b) => [b.branchId, b.since])).toEqual([['b1', '2020-03-26'], ['b3', '2025-07-01'], ['x1', '2025-09-01']]);
  });
});

describe('the day a member event takes effect (dayInForce)', () => {
  it("is the event's own day when a decision moved it later than the command's: events recorded before 6 December 2026 carry the merger's day as their effective date", () => {
    const recorded = (type: string, data: Record<string, unknown>, effectiveDate: string) => ({ type, data, metadata: { effectiveDate } });
    expect(dayInForce(recorded('MemberTransferred', { transferredOn: '2025-08-01' }, '2025-07-01'))).toBe('2025-08-01');
    expect(dayInForce(recorded('MemberStatusChanged', { changedOn: '2025-08-01' }, '2025-06-15'))).toBe('2025-08-01');
    expect(dayInForce(recorded('MemberTransferred', { transferredOn: '2025-08-01' }, '2025-08-01'))).toBe('2025-08-01');
    // An admission recorded ahead takes effect on its effective date, later than admittedOn.
    expect(dayInForce(recorded('MemberAdmitted', { admittedOn: '2025-02-01' }, '2025-03-01'))).toBe('2025-03-01');
  });
});

describe('a dissolution recorded late, of a branch the member left after its day', () => {
  const dissolved = { type: 'UnassignForPeriod' as const, memberId: 'm1', fromBranchId: 'b1', on: '2025-06-15' };
  const unassigned = (on: string, until: string): MemberEvent => ({ type: 'MemberUnassignedForPeriod', data: { memberId: 'm1', fromBranchId: 'b1', on, until }, ...(on !== '2025-06-15' ? { effectiveOn: on } : {}) });

  it('restates the days between as unassigned, as the branch\'s other members were', () =>
    spec.given([admitted('m1', 'b1', undefined, '2020-03-26'), transferred('b1', 'x1', '2025-08-01')]).when(dissolved).then([unassigned('2025-06-15', '2025-08-01')]));

  it('restates nothing for a member who left before it, or is still in the branch', () => {
    spec.given([admitted('m1', 'b1', undefined, '2020-03-26'), transferred('b1', 'x1', '2025-06-01')]).when(dissolved).then([]);
    spec.given([admitted('m1', 'b1', undefined, '2020-03-26')]).when(dissolved).then([]);
  });

  it('folds the member unassigned on the days between, and where they went after', () => {
    const events = [
      { e: admitted('m1', 'b1', undefined, '2020-03-26'), on: '2020-03-26' },
      { e: transferred('b1', 'x1', '2025-08-01'), on: '2025-08-01' },
      { e: unassigned('2025-06-15', '2025-08-01'), on: '2025-06-15' },
    ];
    const standing = (day: string) => {
      const m = foldRecorded(memberAggregate, events.filter((x) => x.on <= day).map((x) => ({ ...x.e, metadata: { effectiveDate: x.on } }) as unknown as RecordedEvent));
      return `${m.branchId}:${m.status}`;
    };
    expect(['2025-06-14', '2025-06-15', '2025-07-31', '2025-08-01'].map(standing)).toEqual(['b1:active', 'b1:unassigned', 'b1:unassigned', 'x1:active']);
  });
});
