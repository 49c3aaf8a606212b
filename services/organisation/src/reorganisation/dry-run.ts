import { RuleViolation } from '@register/event-sourcing';
import { checkDated } from '../domain/dated-changes';
import { Structure } from '../domain/structure';
import { PeopleFacts } from '../people/people-replica';
import { decideMerge, MergeBranches } from './merge-branches';
import { decideSplit, emptySuccessorsOf, formerMembersUnlistedBy, membersUnassignedBy, SplitBranch, splitEvents } from './split-branch';

export interface ReorganisationPlan {
  dryRun: true;
  events: string[];
  branchesClosed: Array<{ id: string; name: string }>;
  branchesOpened: Array<{ id: string; name: string; predecessorIds: string[] }>;
  membersMoving: Array<{ fromBranchId: string; toBranchId: string; count: number }>;
  /**
   * Members who were in a closing branch on the effective date or later and have moved to another
   * branch since (a change recorded late): they stay where they went, and the days between are
   * restated in the successor (or the part that lists them).
   */
  formerMembersRestated: Array<{ fromBranchId: string; toBranchId: string; count: number }>;
  /** Posts that more than one person would hold in a successor: the level above must choose. */
  officerConflicts: Array<{ branchId: string; role: string; holders: Array<{ memberId: string; fromBranchId: string }> }>;
  /**
   * The posts of the branches that close, which end on the effective date (personnel ends them; the
   * successor's officers are then appointed, interim where none is elected). Mentor assignments of
   * those branches end too, in training.
   */
  postsEnding: Array<{ branchId: string; memberId: string; role: string }>;
  ratingsCarried: Array<{ fromBranchId: string; toBranchId: string; year: number; scale: string; grade: string }>;
  /** Splits only: the source's members no part lists. */
  membersUnassigned?: string[];
  /** Splits only: members of the split's day who have moved since and no part lists, which the real split refuses (`split-former-member-unlisted`). */
  formerMembersUnlisted?: string[];
  /** Splits only: successors that would get no member, which the real split refuses (`empty-successor`). */
  emptySuccessors?: string[];
  /** What the real run would answer instead of 201, or null when it would be recorded: the dry run lists what it refuses. */
  wouldBeRefused: { status: 422; rule: string; detail: string } | null;
}

/**
 * What a merger or split would do, decided exactly as the real command would be (a refused plan
 * throws the same rule), and changing nothing. People figures come from the replica. A split's
 * empty successors are the exception: the plan lists them, so that they can be filled, where the
 * real split refuses them.
 */
export function planReorganisation(command: MergeBranches | SplitBranch, s: Structure, people: PeopleFacts, on: string): ReorganisationPlan {
  const events = command.type === 'MergeBranches' ? decideMerge(command, s) : splitEvents(command, s);
  // dated as the real run will be: one that concerns a branch before it existed is refused the same way
  checkDated(events, s, on);
  const opened = events.flatMap((e) => (e.type === 'BranchEstablished' ? [{ id: e.data.branchId, name: e.data.name, predecessorIds: e.data.predecessorIds }] : []));
  const plan: ReorganisationPlan = { dryRun: true, events: events.map((e) => e.type), branchesClosed: [], branchesOpened: opened, membersMoving: [], formerMembersRestated: [], officerConflicts: [], postsEnding: [], ratingsCarried: [], wouldBeRefused: null };
  for (const e of events) {
    if (e.type === 'BranchesMerged') planMerger(plan, e.data, s, people, on);
    if (e.type === 'BranchSplit') planSplit(plan, e.data, s, people, on);
  }
  if (command.type === 'SplitBranch') {
    plan.membersUnassigned = membersUnassignedBy(command);
    plan.formerMembersUnlisted = formerMembersUnlistedBy(command);
    plan.emptySuccessors = emptySuccessorsOf(command).map((p) => p.branchId);
    plan.wouldBeRefused = refusalOf(() => decideSplit(command, s));
  }
  return plan;
}

/** The refusal a decision throws (the rules a dry run lists rather than throws), or null. */
function refusalOf(decide: () => unknown): ReorganisationPlan['wouldBeRefused'] {
  try {
    decide();
    return null;
  } catch (error) {
    if (error instanceof RuleViolation) return { status: 422, rule: error.rule, detail: error.message };
    throw error;
  }
}

function planMerger(plan: ReorganisationPlan, merged: { sourceBranchIds: string[]; intoBranchId: string; intoNewBranch: boolean }, s: Structure, people: PeopleFacts, on: string) {
  const to = merged.intoBranchId;
  plan.branchesClosed = merged.sourceBranchIds.map((id) => ({ id, name: s.branches.get(id)!.name }));
  plan.membersMoving = merged.sourceBranchIds.map((id) => ({ fromBranchId: id, toBranchId: to, count: people.memberCount(id) }));
  plan.formerMembersRestated = merged.sourceBranchIds.map((id) => ({ fromBranchId: id, toBranchId: to, count: people.leftSince(id, on).length }));
  const holders = [...(merged.intoNewBranch ? [] : [to]), ...merged.sourceBranchIds].flatMap((from) =>
    people.officersOf(from).filter((o) => o.role === 'secretary').map((o) => ({ memberId: o.memberId, fromBranchId: from })),
  );
  if (holders.length > 1) plan.officerConflicts.push({ branchId: to, role: 'secretary', holders });
  plan.postsEnding = postsOf(merged.sourceBranchIds.filter((id) => id !== to), people);
  plan.ratingsCarried = merged.sourceBranchIds.flatMap((from) => people.ratingsOf(from).map((r) => ({ fromBranchId: from, toBranchId: to, ...r })));
}

function planSplit(plan: ReorganisationPlan, split: { sourceBranchId: string; parts: Array<{ branchId: string; memberIds: string[] }> }, s: Structure, people: PeopleFacts, on: string) {
  const from = split.sourceBranchId;
  const left = new Set(people.leftSince(from, on));
  plan.formerMembersRestated = split.parts.map((p) => ({ fromBranchId: from, toBranchId: p.branchId, count: p.memberIds.filter((m) => left.has(m)).length }));
  plan.branchesClosed = [{ id: from, name: s.branches.get(from)!.name }];
  plan.postsEnding = postsOf([from], people);
  plan.membersMoving = split.parts.map((p) => ({ fromBranchId: from, toBranchId: p.branchId, count: p.memberIds.filter((m) => !left.has(m)).length }));
  plan.ratingsCarried = split.parts.flatMap((p) => people.ratingsOf(from).map((r) => ({ fromBranchId: from, toBranchId: p.branchId, ...r })));
}

/** The posts held in these branches, as the replica knows them. */
function postsOf(branchIds: string[], people: PeopleFacts): ReorganisationPlan['postsEnding'] {
  return branchIds.flatMap((branchId) => people.officersOf(branchId).map((o) => ({ branchId, memberId: o.memberId, role: o.role })));
}
