import { DecisionRef } from '@register/event-sourcing';
import { OrganisationEvent } from '@register/contracts';
import { MarkUnassigned } from '../members/change-status';
import { MoveMemberForPeriod, UnassignForPeriod } from '../members/move-for-period';
import { SetResidentialAffiliation } from '../members/residential-affiliation';
import { TransferMember } from '../members/transfer-member';
import { DepartOfficer } from '../officers/depart-officer';

/** An organisation event as the consumer hands it over: its id and when it takes effect matter. */
export interface OrganisationFact {
  eventId: string;
  type: string;
  data: unknown;
  metadata: { effectiveDate: string; reason?: string; decision?: DecisionRef; correlationId?: string; actor?: string; onBehalfOf?: string };
}

/** What the reactions need to know of the people of a branch (personnel's own projection). */
export interface PeopleView {
  membersOf(branchId: string): string[];
  /** Members once placed in the branch who have left it since (their past may be restated). */
  formerMembersOf(branchId: string): string[];
  /** Members whose home branch this still is who have left the union (came of age, left): a merger dated before they did moves them too. */
  leftUnionFrom(branchId: string): string[];
  /** Members in the union whose residential affiliation is this branch. */
  residentsOf(branchId: string): string[];
  officersOf(branchId: string): Array<{ memberId: string }>;
}

export type PlannedCommand =
  | { aggregate: 'member'; memberId: string; command: TransferMember | MarkUnassigned | MoveMemberForPeriod | UnassignForPeriod | SetResidentialAffiliation; commandId: string }
  | { aggregate: 'branch-officers'; branchId: string; command: DepartOfficer; commandId: string };

/** `personnel.org-reactions:<eventId>:<memberId>`: a redelivered event appends nothing twice. */
export const reactionCommandId = (eventId: string, memberId: string, what?: 'departure' | 'residence') =>
  `personnel.org-reactions:${eventId}:${memberId}${what ? `:${what}` : ''}`;

/**
 * What personnel does when the structure changes, as commands (pure; the application runs them):
 * - merger: the members of each absorbed branch move to the successor (cause 'merger'), and its
 *   officers leave their posts on the effective date; the successor's own officers stay, and a new
 *   successor starts with every post vacant (nothing to do: it has no officers' stream yet);
 * - split: the members move by the split's lists; a member on no list becomes unassigned; the
 *   source's officers leave their posts;
 * - dissolution: the members become unassigned (and appear in the unassigned report); officers leave;
 * - a member affiliated where they live to a branch merged away is affiliated to the successor (or
 *   to none, the successor being their home branch); one affiliated to a branch split or dissolved,
 *   to none (which part is theirs is not known).
 * A merger or split recorded late also restates the past of the members who left the branch after
 * its day (MoveMemberForPeriod): until they left, they belonged to the successor or their part. A
 * merger recorded late moves the members who left the union after its day as well: they were in
 * the successor from its day to their leaving (the transfer's decider records nothing for those
 * who left on or before it).
 */
export function planReactions(fact: OrganisationFact, people: PeopleView): PlannedCommand[] {
  return withDistinctIds(plannedReactions(fact, people));
}

/**
 * Each planned command its own id: a member of a merger's two sources (a former member of one, who
 * moved into the other) is planned twice, and the second command, under the first's id, was taken
 * for a redelivery and never run: a re-probe found such members left, active, in the closed branch.
 * The first keeps the id it always had, so that an event delivered again before this change appends
 * nothing twice; a second gets the plan's count.
 */
function withDistinctIds(plans: PlannedCommand[]): PlannedCommand[] {
  const seen = new Map<string, number>();
  return plans.map((p) => {
    const n = (seen.get(p.commandId) ?? 0) + 1;
    seen.set(p.commandId, n);
    return n === 1 ? p : { ...p, commandId: `${p.commandId}:${n}` };
  });
}

function plannedReactions(fact: OrganisationFact, people: PeopleView): PlannedCommand[] {
  const e = { type: fact.type, data: fact.data } as OrganisationEvent;
  const on = fact.metadata.effectiveDate;
  // Nobody said anything of the members' dues: the move records null, as a transfer that did not say does.
  const moveTo = (memberId: string, fromBranchId: string, toBranchId: string, cause: 'merger' | 'split'): PlannedCommand => ({
    aggregate: 'member',
    memberId,
    commandId: reactionCommandId(fact.eventId, memberId),
    command: { type: 'TransferMember', memberId, fromBranchId, toBranchId, toBranchStatus: 'active', transferredOn: on, cause },
  });
  const movePeriod = (memberId: string, fromBranchId: string, toBranchId: string, cause: 'merger' | 'split'): PlannedCommand => ({
    aggregate: 'member',
    memberId,
    commandId: reactionCommandId(fact.eventId, memberId),
    command: { type: 'MoveMemberForPeriod', memberId, fromBranchId, toBranchId, on, cause },
  });
  const unassignPeriod = (memberId: string, fromBranchId: string): PlannedCommand => ({
    aggregate: 'member',
    memberId,
    commandId: reactionCommandId(fact.eventId, memberId),
    command: { type: 'UnassignForPeriod', memberId, fromBranchId, on },
  });
  const unassign = (memberId: string, fromBranchId: string): PlannedCommand => ({
    aggregate: 'member',
    memberId,
    commandId: reactionCommandId(fact.eventId, memberId),
    command: { type: 'MarkUnassigned', memberId, fromBranchId, on },
  });
  const residences = (branchId: string, toBranchId: string | null, only?: Set<string>): PlannedCommand[] =>
    people.residentsOf(branchId).filter((memberId) => !only || only.has(memberId)).map((memberId) => ({
      aggregate: 'member',
      memberId,
      commandId: reactionCommandId(fact.eventId, memberId, 'residence'),
      command: { type: 'SetResidentialAffiliation', memberId, branchId: toBranchId, branchStatus: 'active', on, followsReorganisation: true },
    }));
  const departures = (branchId: string, cause: 'merger' | 'split' | 'dissolution'): PlannedCommand[] =>
    [...new Set(people.officersOf(branchId).map((o) => o.memberId))].map((memberId) => ({
      aggregate: 'branch-officers',
      branchId,
      commandId: reactionCommandId(fact.eventId, memberId, 'departure'),
      command: { type: 'DepartOfficer', branchId, memberId, endsOn: on, cause, ifHeld: true },
    }));

  switch (e.type) {
    case 'BranchesMerged':
      return [
        ...e.data.sourceBranchIds.flatMap((source) => [
          ...people.membersOf(source).map((m) => moveTo(m, source, e.data.intoBranchId, 'merger')),
          ...people.formerMembersOf(source).map((m) => movePeriod(m, source, e.data.intoBranchId, 'merger')),
          ...people.leftUnionFrom(source).map((m) => moveTo(m, source, e.data.intoBranchId, 'merger')),
          ...departures(source, 'merger'),
          ...residences(source, e.data.intoBranchId),
        ]),
        // Moved home into the branch where they live: the affiliation ends (after the moves above).
        ...residences(e.data.intoBranchId, e.data.intoBranchId, new Set(e.data.sourceBranchIds.flatMap((source) => people.membersOf(source)))),
      ];
    case 'BranchSplit': {
      const listed = new Map(e.data.parts.flatMap((p) => p.memberIds.map((m) => [m, p.branchId] as const)));
      const current = people.membersOf(e.data.sourceBranchId);
      const former = new Set(people.formerMembersOf(e.data.sourceBranchId));
      return [
        ...[...listed].map(([m, to]) => (former.has(m) ? movePeriod : moveTo)(m, e.data.sourceBranchId, to, 'split')),
        ...current.filter((m) => !listed.has(m)).map((m) => unassign(m, e.data.sourceBranchId)),
        ...departures(e.data.sourceBranchId, 'split'),
        ...residences(e.data.sourceBranchId, null),
      ];
    }
    case 'BranchDissolved':
      return [
        ...people.membersOf(e.data.branchId).map((m) => unassign(m, e.data.branchId)),
        ...people.formerMembersOf(e.data.branchId).map((m) => unassignPeriod(m, e.data.branchId)),
        ...departures(e.data.branchId, 'dissolution'),
        ...residences(e.data.branchId, null),
      ];
    default:
      return [];
  }
}

/** The branches an organisation event closes (a merger's absorbed ones, a split's source, a dissolved one); none for any other event. */
export function closedBranches(fact: OrganisationFact): string[] {
  const e = { type: fact.type, data: fact.data } as OrganisationEvent;
  switch (e.type) {
    case 'BranchesMerged':
      return e.data.sourceBranchIds;
    case 'BranchSplit':
      return [e.data.sourceBranchId];
    case 'BranchDissolved':
      return [e.data.branchId];
    default:
      return [];
  }
}
