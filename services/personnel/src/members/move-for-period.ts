import { deciderOf } from '@register/event-sourcing';
import { MemberEvent } from '@register/contracts';
import { Member, memberAggregate } from '../domain/member';

/**
 * A merger or split recorded late, for a member who has left the closing branch since its day:
 * they belonged to the successor from that day until their next change of branch, already recorded.
 * A member still in the branch is moved by TransferMember; for them this records nothing.
 */
export type MoveMemberForPeriod = {
  type: 'MoveMemberForPeriod';
  memberId: string;
  fromBranchId: string;
  toBranchId: string;
  on: string;
  cause: 'merger' | 'split';
};

/** A dissolution recorded late, for a member who has left the branch since its day: unassigned from that day until they left. */
export type UnassignForPeriod = { type: 'UnassignForPeriod'; memberId: string; fromBranchId: string; on: string };

/** The decisions on periods restated by a reorganisation, over the member's stream. */
export const periodMoveDecider = deciderOf(memberAggregate, decidePeriodMove);
export const periodUnassignDecider = deciderOf(memberAggregate, decidePeriodUnassign);

/** One period per stay in the closed branch that ended after the reorganisation's day (usually one). */
export function decidePeriodMove(c: MoveMemberForPeriod, s: Member): MemberEvent[] {
  return staysEndedAfter(s, c.fromBranchId, c.on)
    .filter(({ from }) => !alreadyMoved(s, c.toBranchId, from))
    .map(({ from: movedOn, until }) => {
      const data = { memberId: s.memberId, fromBranchId: c.fromBranchId, toBranchId: c.toBranchId, movedOn, until, cause: c.cause };
      return { type: 'MemberMovedForPeriod' as const, data, ...(movedOn !== c.on ? { effectiveOn: movedOn } : {}) };
    });
}

/** One period per stay in the dissolved branch that ended after the dissolution's day (a dissolution handed over again is the same command: recorded once). */
export function decidePeriodUnassign(c: UnassignForPeriod, s: Member): MemberEvent[] {
  return staysEndedAfter(s, c.fromBranchId, c.on).map(({ from: on, until }) => ({ type: 'MemberUnassignedForPeriod' as const, data: { memberId: s.memberId, fromBranchId: c.fromBranchId, on, until }, ...(on !== c.on ? { effectiveOn: on } : {}) }));
}

/** The member's stays in a branch they have left, from the day (or their arrival) to their next change of branch, where that came after the day. */
function staysEndedAfter(s: Member, branchId: string, day: string): Array<{ from: string; until: string }> {
  if (!s.exists || s.branchId === branchId) return [];
  return s.branches.flatMap((stay, i) => {
    const next = s.branches[i + 1];
    if (stay.branchId !== branchId || !next) return [];
    const from = stay.since > day ? stay.since : day;
    return from < next.since ? [{ from, until: next.since }] : [];
  });
}

const alreadyMoved = (s: Member, branchId: string, on: string) => s.branches.some((b) => b.branchId === branchId && b.since === on);
