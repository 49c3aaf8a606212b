import { closedInYear, dayBefore, heldInYear, trainedRate, trainingDayOf } from '@register/contracts';
import { BranchLife, branchesWithin, branchOpenOn, Placement, placementInForce, PostSpell, recordedBy, When } from '../domain/facts';

export interface ComplianceFacts {
  placements: Placement[];
  branches: Map<string, BranchLife>;
  spells: PostSpell[];
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
  const closedHere = [...facts.branches.values()].filter(
    (b) => b.residential && closedInYear(b.closedOn, year, day.date) && recordedBy(b.closedAt, day) && inTreeOn(dayBefore(b.closedOn)).has(b.branchId),
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
