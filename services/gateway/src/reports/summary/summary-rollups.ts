import { reportDay } from './report-day';
import { UnitFactsDoc } from './structure-facts.projection';
import { BranchReportDoc, existedOn, summarise, SummaryFacts, UnitSummary, unitsClosedInYear } from './summary';
import { valueOn } from './timeline';
import { CourseFactsDoc } from './training-facts.projection';

/** A stored year-end summary: one unit, one year, on the day the controller counts `year=` on without asOf. */
export interface Rollup {
  _id: string;
  summary: UnitSummary;
}

/** The rollup's key: the unit, the year and the day it counts on (a year under way has a new day each day). */
export const rollupId = (unitId: string, year: number, day: string) => `${unitId}/${year}/${day}`;

/** The years kept, each with its day as the controller takes it without asOf: from the structure's first year to today's. */
export function rollupDays(units: UnitFactsDoc[], today: string): Array<{ year: number; day: string }> {
  let first = Number(today.slice(0, 4));
  for (const u of units) for (const key of Object.keys(u.parents ?? {})) first = Math.min(first, Number(key.slice(0, 4)));
  const days = [];
  for (let year = first; year <= Number(today.slice(0, 4)); year++) days.push(reportDay(year, undefined, today));
  return days;
}

const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/** The units under `root` (itself first) in a children map of one day. */
function descendants(root: UnitFactsDoc, children: Map<string, UnitFactsDoc[]>): UnitFactsDoc[] {
  const found = new Map<string, UnitFactsDoc>();
  for (const queue = [root]; queue.length; ) {
    const u = queue.pop()!;
    found.set(u._id, u);
    for (const c of children.get(u._id) ?? []) if (!found.has(c._id)) queue.push(c);
  }
  return [...found.values()];
}

/**
 * The year-end summary of every unit for every year, one at a time (the caller may yield between
 * them). Each is `summarise` over the very facts the live read gives it for that unit and day: the
 * subtree's units, the branch documents whose `unitIds` meet the subtree (found through an index
 * by unit rather than a scan per unit) and the courses its units organised in the year; the
 * answers are the live path's by construction. Pure.
 */
export function* rollups(facts: SummaryFacts, today: string): Generator<Rollup> {
  const branchesOf = new Map<string, BranchReportDoc[]>();
  for (const b of facts.branches) for (const unitId of b.structure?.unitIds ?? []) push(branchesOf, unitId, b);
  const coursesOf = new Map<string, CourseFactsDoc[]>();
  for (const c of facts.courses) push(coursesOf, c.organiserUnitId, c);
  for (const { year, day } of rollupDays(facts.units, today)) {
    const existing = facts.units.filter((u) => existedOn(u.parents, u.endedOn, day));
    const children = new Map<string, UnitFactsDoc[]>();
    for (const u of existing) {
      const parent = valueOn(u.parents, day);
      if (parent) push(children, parent, u);
    }
    // Closed in the year, they are not in any subtree of the day: summarise places them where they stood on their last day.
    const closed = unitsClosedInYear(facts.units, year, day);
    for (const root of existing) {
      // Each unit once: the closed units come with their successors, which may be in the subtree already (a probe read a merged-into commune's courses twice).
      const units = [...new Map([...descendants(root, children), ...closed].map((u) => [u._id, u])).values()];
      const seen = new Set<string>();
      const branches: BranchReportDoc[] = [];
      for (const u of units) {
        for (const b of branchesOf.get(u._id) ?? []) {
          if (seen.has(b._id)) continue;
          seen.add(b._id);
          branches.push(b);
        }
      }
      const courses = units.flatMap((u) => (coursesOf.get(u._id) ?? []).filter((c) => c.year === year));
      const summary = summarise({ units, branches, courses }, root._id, year, day);
      if (summary) yield { _id: rollupId(root._id, year, day), summary };
    }
  }
}
