import { deciderOf, RuleViolation } from '@register/event-sourcing';
import { BranchOfficersEvent, DepartureCause } from '@register/contracts';
import { BranchOfficers, branchOfficersAggregate } from '../domain/branch-officers';

/**
 * Resignation, relief, end of term; or a reorganisation ends the posts of an absorbed branch. When a
 * reaction (`ifHeld`) finds the officer already gone, nothing happens; a post it finds starting after
 * the reorganisation ends on the day it was to start.
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
    if (c.endsOn < p.startsOn && !c.ifHeld) throw new RuleViolation('ends-before-start', `the post of ${p.role} started on ${p.startsOn}; it cannot end on ${c.endsOn}`);
  }
  // A reorganisation that closes the branch before a post was to start ends it on its first day:
  // a post of no days, never held, and no post left open on a closed branch.
  return posts.map((p) => ({ type: 'OfficerDeparted', data: { branchId: c.branchId, memberId: c.memberId, role: p.role, endsOn: c.endsOn < p.startsOn ? p.startsOn : c.endsOn, cause: c.cause } }));
}
