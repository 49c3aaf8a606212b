import { deciderOf, RuleViolation } from '@register/event-sourcing';
import { BranchOfficersEvent, DepartureCause } from '@register/contracts';
import { BranchOfficers, branchOfficersAggregate } from '../domain/branch-officers';

/**
 * Resignation, relief, end of term; or a reorganisation ends the posts of an absorbed branch. When a
 * reaction (`ifHeld`) finds the officer already gone, nothing happens.
 */
export type DepartOfficer = { type: 'DepartOfficer'; branchId: string; memberId: string; endsOn: string; cause: DepartureCause; ifHeld?: boolean };

/** The decisions on departures, over the branch's officers. */
export const departureDecider = deciderOf(branchOfficersAggregate, decideDeparture);

export function decideDeparture(c: DepartOfficer, s: BranchOfficers): BranchOfficersEvent[] {
  const posts = s.current.filter((p) => p.memberId === c.memberId);
  if (posts.length === 0) {
    if (c.ifHeld) return [];
    throw new RuleViolation('not-an-officer', `member ${c.memberId} holds no post in branch ${c.branchId}`, { memberId: c.memberId });
  }
  for (const p of posts) {
    if (c.endsOn < p.startsOn) throw new RuleViolation('ends-before-start', `the post of ${p.role} started on ${p.startsOn}; it cannot end on ${c.endsOn}`);
  }
  return posts.map((p) => ({ type: 'OfficerDeparted', data: { branchId: c.branchId, memberId: c.memberId, role: p.role, endsOn: c.endsOn, cause: c.cause } }));
}
