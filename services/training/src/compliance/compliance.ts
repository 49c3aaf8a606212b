import { closedInYear, dayBefore, heldInYear, trainedRate, trainingDayOf } from '@register/contracts';
import { BranchLife, branchesWithin, branchOpenOn, Placement, placementInForce, PostSpell, recordedBy, When } from '../domain/facts';

export interface ComplianceFacts {
  placements: Placement[];
  branches: Map<string, BranchLife>;
  spells: PostSpell[];
  /** The day a unit was dissolved or merged into another, or null while open. */
  unitClosedOn(unitId: string): string | null;
  /** Where a unit merged away went: the unit it was merged into (one step). */
  successorOf(unitId: string): string | undefined;
}

export interface Untrained {
  branchId: string;
  memberId: string;
  /** Due since: the appointment, or the year's first day for a secretary already in post. */
  since: string;
}

export interface Compliance {
  /** The residential branches counted: open in the subtree on the day asked. */
  branches: number;
  secretaries: number;
  trained: number;
  rate: number;
  untrained: Untrained[];
}

/** The last day the question covers: the year's end, or the asOf day within the year (the definition the unit summary shares). */
export const dayOf = (year: number, when: When): string => trainingDayOf(year, when.date);

/**
 * The secretaries of the residential branches open in the unit's subtree on the day asked (the
 * structure then, whatever became of it since), and of those closed in the year by then where they
 * stood in it on their last day open (a merger's absorbed branches), who held the post at any time
 * of the year up to that day, each counted once; trained when `completed` (a completed course of
 * that year) names them.
 */
export function compliance(facts: ComplianceFacts, unitId: string, year: number, when: When, completed: Set<string>): Compliance {
  const day = { ...when, date: dayOf(year, when) };
  const yearStart = `${year}-01-01`;
  const trees = new Map<string, Set<string>>();
  const inTreeOn = (date: string) => trees.get(date) ?? trees.set(date, new Set(branchesWithin(facts.placements.filter((p) => placementInForce(p, { ...day, date })), unitId))).get(date)!;
  const counted = new Set([...inTreeOn(day.date)].filter((id) => facts.branches.get(id)?.residential && branchOpenOn(facts.branches.get(id)!, day)));
  const successorHere = mergedIntoSubtree(facts, unitId, year, day);
  const closedHere = [...facts.branches.values()].filter(
    (b) => b.residential && closedInYear(b.closedOn, year, day.date) && recordedBy(b.closedAt, day) && (inTreeOn(dayBefore(b.closedOn)).has(b.branchId) || successorHere(b.branchId, dayBefore(b.closedOn)!)),
  );
  const secretariesOf = new Set([...counted, ...closedHere.map((b) => b.branchId)]);
  const held = new Map<string, Untrained>();
  for (const s of facts.spells) {
    if (s.role !== 'secretary' || !secretariesOf.has(s.branchId) || !recordedBy(s.at, day)) continue;
    // an end not yet recorded by the instant asked leaves the post open
    if (!heldInYear({ startsOn: s.startsOn, endsOn: recordedBy(s.endedAt, day) ? s.endsOn : null }, year, day.date)) continue;
    const since = s.startsOn > yearStart ? s.startsOn : yearStart;
    const before = held.get(s.memberId);
    held.set(s.memberId, { branchId: s.branchId, memberId: s.memberId, since: before && before.since < since ? before.since : since });
  }
  const all = [...held.values()];
  const untrained = all.filter((s) => !completed.has(s.memberId)).sort((a, b) => a.branchId.localeCompare(b.branchId) || a.memberId.localeCompare(b.memberId));
  const trained = all.length - untrained.length;
  return { branches: counted.size, secretaries: all.length, trained, rate: trainedRate(trained, all.length), untrained };
}

/** Each unit's and branch's parent on a day, as the placements in force then say. */
function parentsOn(placements: Placement[], when: When): Map<string, string | null> {
  const parents = new Map<string, string | null>();
  for (const p of placements) if (placementInForce(p, when)) parents.set(`${p.kind}:${p.id}`, p.parentId);
  return parents;
}

/**
 * Whether a branch closed in the year stood, on its last day, under a unit that merged away in the
 * year into what is now `unitId`'s subtree: its secretaries' year is the successor's then, as the
 * unit summary counts it (a probe found a commune merger splitting the year's compliance between
 * the closed commune and its successor).
 */
function mergedIntoSubtree(facts: ComplianceFacts, unitId: string, year: number, day: When): (branchId: string, lastDay: string) => boolean {
  const today = parentsOn(facts.placements, day);
  const within = (id: string | undefined) => {
    for (let at: string | null | undefined = id, steps = 0; at && steps <= today.size; at = today.get(`unit:${at}`), steps++) if (at === unitId) return true;
    return false;
  };
  const successorOn = (id: string) => {
    let at = facts.successorOf(id);
    for (let steps = 0; at && steps < 64; steps++) {
      const closed = facts.unitClosedOn(at);
      if (closed === null || closed > day.date) return at;
      at = facts.successorOf(at);
    }
    return undefined;
  };
  // The units merged away in the year into the subtree, found once: most reads have none, and then no branch's past is walked.
  const units = new Set(facts.placements.filter((p) => p.kind === 'unit').map((p) => p.id));
  const merged = new Set([...units].filter((u) => closedInYear(facts.unitClosedOn(u), year, day.date) && facts.successorOf(u) !== undefined && within(successorOn(u))));
  const trees = new Map<string, Map<string, string | null>>();
  return (branchId, lastDay) => {
    if (merged.size === 0) return false;
    const then = trees.get(lastDay) ?? trees.set(lastDay, parentsOn(facts.placements, { ...day, date: lastDay })).get(lastDay)!;
    for (let at = then.get(`branch:${branchId}`), steps = 0; at && steps <= then.size; at = then.get(`unit:${at}`), steps++) if (merged.has(at)) return true;
    return false;
  };
}
