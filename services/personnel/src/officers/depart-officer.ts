import { deciderOf, RuleViolation } from '@register/event-sourcing';
import { BranchOfficersEvent, DepartureCause, OfficerDepartureBroughtForward, REORGANISATION_DEPARTURE_CAUSES } from '@register/contracts';
import { BranchOfficers, branchOfficersAggregate, Post } from '../domain/branch-officers';

const REORGANISATION: readonly string[] = REORGANISATION_DEPARTURE_CAUSES;

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
    const ended = endedByReorganisationAfter(c, s);
    if (ended.length > 0) return broughtForward(c, ended);
    throw new RuleViolation('not-an-officer', `member ${c.memberId} holds no post in branch ${c.branchId}${endedPosts(c, s)}`, { memberId: c.memberId });
  }
  for (const p of posts) {
    // On its first day too: a post of no days was never held, and the tenure would be erased from every read (a probe's).
    if (c.endsOn <= p.startsOn && !c.ifHeld) throw new RuleViolation('ends-before-start', `the post of ${p.role} started on ${p.startsOn}; it ends on a later day, not on ${c.endsOn}`);
  }
  // A reorganisation that closes the branch before a post was to start ends it on its first day:
  // a post of no days, never held, and no post left open on a closed branch.
  return posts.map((p) => ({ type: 'OfficerDeparted', data: { branchId: c.branchId, memberId: c.memberId, role: p.role, endsOn: c.endsOn < p.startsOn ? p.startsOn : c.endsOn, cause: c.cause } }));
}

/** The member's posts a reorganisation recorded already ended after the departure's day, begun by then. */
function endedByReorganisationAfter(c: DepartOfficer, s: BranchOfficers): Post[] {
  // A post of no days was never held: a departure on its first day would erase the tenure (a probe's did).
  return s.history.filter((p) => p.memberId === c.memberId && p.endsOn !== undefined && c.endsOn < p.endsOn && p.startsOn < c.endsOn && REORGANISATION.includes(p.cause ?? ''));
}

/** What the member's ended posts in the branch were, for a refused departure to say why (a probe found one message for every case). */
function endedPosts(c: DepartOfficer, s: BranchOfficers): string {
  const theirs = s.history.filter((p) => p.memberId === c.memberId && p.endsOn !== undefined);
  if (theirs.length === 0) return '';
  const said = theirs.map((p) => `${p.role} from ${p.startsOn}, ended on ${p.endsOn} (${p.cause ?? 'unknown'})`).join('; ');
  return `: their post${theirs.length > 1 ? 's' : ''} there (${said}) ended already; a departure dated before the end of one a reorganisation ended, after its first day, brings that end forward`;
}

/**
 * A departure dated before the reorganisation that ended the post, recorded after it: the post ended
 * then, for the officer's own reason (a secretary who left before a merger recorded already could
 * be recorded neither leaving, the post covering the day, nor departing, the post ended: a probe's).
 */
function broughtForward(c: DepartOfficer, ended: Post[]): BranchOfficersEvent[] {
  if (REORGANISATION.includes(c.cause)) throw new RuleViolation('not-an-officer', `member ${c.memberId}'s post in branch ${c.branchId} was ended by a reorganisation on ${ended[0].endsOn}: an earlier departure is of the officer's own (its cause)`, { memberId: c.memberId });
  const cause = c.cause as OfficerDepartureBroughtForward['data']['cause'];
  return ended.map((p) => ({ type: 'OfficerDepartureBroughtForward', data: { branchId: c.branchId, memberId: c.memberId, role: p.role, endsOn: c.endsOn, previousEndsOn: p.endsOn!, cause } }));
}
