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

/** The decisions on periods restated by a reorganisation, over the member's stream. */
export const periodMoveDecider = deciderOf(memberAggregate, decidePeriodMove);

/** One period per stay in the closed branch that ended after the reorganisation's day (usually one). */
export function decidePeriodMove(c: MoveMemberForPeriod, s: Member): MemberEvent[] {
  if (!s.exists || s.branchId === c.fromBranchId) return [];
  return s.branches.flatMap((stay, i) => {
    const next = s.branches[i + 1];
    if (stay.branchId !== c.fromBranchId || !next) return [];
    const movedOn = stay.since > c.on ? stay.since : c.on;
    if (movedOn >= next.since || alreadyMoved(s, c.toBranchId, movedOn)) return [];
    const data = { memberId: s.memberId, fromBranchId: c.fromBranchId, toBranchId: c.toBranchId, movedOn, until: next.since, cause: c.cause };
    return [{ type: 'MemberMovedForPeriod' as const, data, ...(movedOn !== c.on ? { effectiveOn: movedOn } : {}) }];
  });
}

const alreadyMoved = (s: Member, branchId: string, on: string) => s.branches.some((b) => b.branchId === branchId && b.since === on);
