import { closedInYear, completedInYear, dayBefore, heldInYear, RATING_SCALES, SCALE_NAMES, trainedRate, trainingDayOf } from '@register/contracts';
import { BranchEvaluationDoc, DayCounts } from './evaluation-facts.projection';
import { BranchMembershipDoc } from './membership-facts.projection';
import { BranchFactsDoc, UnitFactsDoc } from './structure-facts.projection';
import { spellsOf, Timeline, totalOn, valueOn } from './timeline';
import { BranchTrainingDoc, CourseFactsDoc } from './training-facts.projection';

type Fields<T> = Omit<T, '_id'>;

/**
 * `report.branches`: one reporting document per branch, each field written by the projection of
 * one service's log (with its own `_pos`): structure, membership, evaluation, training.
 */
export interface BranchReportDoc {
  _id: string;
  structure?: Fields<BranchFactsDoc>;
  membership?: Fields<BranchMembershipDoc>;
  evaluation?: Fields<BranchEvaluationDoc>;
  training?: Fields<BranchTrainingDoc>;
}

/** What the four services' facts say, as the read model gives them for one report. */
export interface SummaryFacts {
  /** Every unit: a subtree is found from its root on the day. */
  units: UnitFactsDoc[];
  /** The reporting documents of every branch that ever sat in one of the subtree's units. */
  branches: BranchReportDoc[];
  /** Courses organised by the subtree's units (any year; the summary keeps the year's). */
  courses: CourseFactsDoc[];
}

/** Decided ratings by grade (api.md's `ratings { branches: { grade: n }, members: { grade: n } }`). */
export type Grades = Record<string, number>;
/** Decided ratings by scale, then grade: the detail behind `ratings`. */
export type GradeCounts = Record<string, Grades>;

export interface UnitSummary {
  unitId: string;
  /** The unit's name on `asOf` (a commune renamed later is named as it was then); absent where the register kept no name. */
  unitName?: string;
  year: number;
  asOf: string;
  /**
   * The day up to which the year's ratings and commendations are counted: `asOf` when asked; null
   * without it, every decision recorded so far whatever its day (a year is usually rated in the next).
   */
  decisionsAsOf: string | null;
  /** Present when asked (knownAt, or an instant asOf): the instant by which the register had recorded what is counted; absent, as it knows it now. */
  knownAt?: string;
  branches: { total: number; residential: number; withoutSecretary: number; withoutMembers: number };
  members: { total: number; admittedInYear: number; away: number };
  secretaries: { total: number; bySource: Record<string, number> };
  /** The contract's flat counts: grades of one name add up across scales (a year uses one scale per subject kind anyway). */
  ratings: { branches: Grades; members: Grades };
  /** The same decisions per scale, then grade: added beside the contract's `ratings`, not inside it. */
  ratingsByScale: { branches: GradeCounts; members: GradeCounts };
  training: { courses: number; participants: number; secretaries: number; secretariesTrained: number; rate: number };
  party: { introduced: number; admitted: number };
  commendations: number;
}

/** A thing of the structure existed on `day`: begun by then and not ended. */
/** Whether the thing stood on `day`; a missing `endedOn` is an open one (FerretDB drops a null in `$setOnInsert`: structure-facts.projection.ts). */
export const existedOn = (timeline: Timeline<unknown>, endedOn: string | null | undefined, day: string) => valueOn(timeline, day) !== undefined && (endedOn === null || endedOn === undefined || endedOn > day);

/** The units under `rootId` (itself included) as the tree stood on `day`; null when the unit did not exist then. */
export function subtreeOn(units: UnitFactsDoc[], rootId: string, day: string): Set<string> | null {
  const children = new Map<string, string[]>();
  let rootExisted = false;
  for (const u of units) {
    if (!existedOn(u.parents, u.endedOn, day)) continue;
    if (u._id === rootId) rootExisted = true;
    const parent = valueOn(u.parents, day);
    if (parent) children.set(parent, [...(children.get(parent) ?? []), u._id]);
  }
  if (!rootExisted) return null;
  const found = new Set<string>();
  for (const queue = [rootId]; queue.length; ) {
    const id = queue.pop()!;
    found.add(id);
    queue.push(...(children.get(id) ?? []).filter((c) => !found.has(c)));
  }
  return found;
}

const add = (counts: Record<string, number>, key: string, n = 1) => void (counts[key] = (counts[key] ?? 0) + n);

/** The counts of the days from `from` to `to` (both included). */
function countDays(counts: DayCounts | undefined, from: string, to: string): number {
  let n = 0;
  for (const [day, k] of Object.entries(counts ?? {})) if (day >= from && day <= to) n += k;
  return n;
}

/** Decided grades by scale, as they stood on `by` (each day's decisions and changes up to it). */
function addGrades(into: GradeCounts, from: Record<string, Record<string, DayCounts>> | undefined, by: string) {
  for (const [scale, grades] of Object.entries(from ?? {})) {
    for (const [grade, days] of Object.entries(grades)) {
      const n = countDays(days, '', by);
      if (n) add((into[scale] ??= {}), grade, n);
    }
  }
}

/** The per-scale counts as the contract's flat `{ grade: n }`: a grade's counts add up over scales. */
export function flatGrades(byScale: GradeCounts): Grades {
  const flat: Grades = {};
  for (const grades of Object.values(byScale)) for (const [grade, n] of Object.entries(grades)) add(flat, grade, n);
  return flat;
}

/** Every grade from best to worst, over the scales: the order a report lists them in. */
const GRADE_RANK = ['excellent', 'strong', 'good', 'completed', 'average', 'not-completed', 'weak'];

const ranked = <T>(counts: Record<string, T>, order: readonly string[]): Record<string, T> => {
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)));
};

/**
 * The summary with its grades in the scale's order (best first) and the scales in theirs, whatever
 * order the decisions came in: the CSV and the workbook list them so (a probe read "good,
 * completed, not-completed, excellent"). A live answer and a stored rollup alike.
 */
export function inGradeOrder(s: UnitSummary): UnitSummary {
  const byScale = (counts: GradeCounts) => ranked(Object.fromEntries(Object.entries(counts).map(([scale, g]) => [scale, ranked(g, RATING_SCALES[scale as keyof typeof RATING_SCALES] ?? GRADE_RANK)])), SCALE_NAMES);
  return {
    ...s,
    ratings: { branches: ranked(s.ratings.branches, GRADE_RANK), members: ranked(s.ratings.members, GRADE_RANK) },
    ratingsByScale: { branches: byScale(s.ratingsByScale.branches), members: byScale(s.ratingsByScale.members) },
  };
}

/** The last day of all: no cut-off. */
const EVER = '9999-12-31';

/** `{ unitName }` as the unit was called on `day`, or nothing where no name was kept for it. */
function nameOn(units: UnitFactsDoc[], unitId: string, day: string): { unitName?: string } {
  const name = valueOn(units.find((u) => u._id === unitId)?.names, day);
  return name === undefined ? {} : { unitName: name };
}

/**
 * The summary of a unit's subtree for a year: structure, membership and posts as they stood on
 * `day` (the year's end or asOf), the year's counts over the year up to `day`. The year's ratings
 * and commendations, often decided in the next year, count as decided by `decidedBy` (asOf, when
 * asked), else as the register knows them now. Pure.
 */
export function summarise(facts: SummaryFacts, unitId: string, year: number, day: string, decidedBy = EVER): UnitSummary | null {
  const subtree = subtreeOn(facts.units, unitId, day);
  if (!subtree) return null;
  const s: UnitSummary = {
    unitId, ...nameOn(facts.units, unitId, day), year, asOf: day, decisionsAsOf: decidedBy === EVER ? null : decidedBy,
    branches: { total: 0, residential: 0, withoutSecretary: 0, withoutMembers: 0 },
    members: { total: 0, admittedInYear: 0, away: 0 },
    secretaries: { total: 0, bySource: {} },
    ratings: { branches: {}, members: {} },
    ratingsByScale: { branches: {}, members: {} },
    training: { courses: 0, participants: 0, secretaries: 0, secretariesTrained: 0, rate: 0 },
    party: { introduced: 0, admitted: 0 },
    commendations: 0,
  };
  const counted: BranchReportDoc[] = [];
  const by = { day, decidedBy };
  for (const b of facts.branches) {
    const where = b.structure;
    if (where && existedOn(where.units, where.endedOn, day) && subtree.has(valueOn(where.units, day)!)) {
      countBranch(s, b, by);
      counted.push(b);
    }
  }
  const closed = closedSince(facts, unitId, year, day);
  for (const b of closed.branches) countYear(s, b, by);
  s.ratings = { branches: flatGrades(s.ratingsByScale.branches), members: flatGrades(s.ratingsByScale.members) };
  s.training = training(facts, counted, closed, new Set([...subtree, ...closed.units]), year, day);
  return s;
}

/**
 * The branches and units closed since the year began, by the day, that stood in the unit's subtree
 * on their last day open (a commune merged on 31 December, its hamlets merged in the year): not in
 * the day's figures, but what happened in them that year is the year's (its admissions, ratings,
 * courses, secretaries). Each is placed by the subtree of its own last day.
 */
function closedSince(facts: SummaryFacts, unitId: string, year: number, day: string): { branches: BranchReportDoc[]; units: string[] } {
  const subtrees = new Map<string, Set<string> | null>();
  const subtreeOnDay = (d: string) => {
    if (!subtrees.has(d)) subtrees.set(d, subtreeOn(facts.units, unitId, d));
    return subtrees.get(d) ?? null;
  };
  const placed = placeOfClosed(facts.units, day);
  const byId = new Map(facts.units.map((u) => [u._id, u]));
  // A unit above it then merged away in the year since: the branch's year is the successor's, where the unit's went.
  const mergedInto = (unitId: string) => {
    const u = byId.get(unitId);
    const successor = u && closedInYear(u.endedOn, year, day) ? placed(u) : undefined;
    return successor !== undefined && (subtreeOnDay(day)?.has(successor) ?? false);
  };
  const branches = facts.branches.filter((b) => {
    const endedOn = b.structure?.endedOn;
    if (!closedInYear(endedOn, year, day)) return false;
    const last = dayBefore(endedOn);
    const unitId = valueOn(b.structure?.units, last)!;
    if (subtreeOnDay(last)?.has(unitId)) return true;
    return ancestorsOn(byId, unitId, last).some(mergedInto);
  });
  const units = facts.units
    .filter((u) => closedInYear(u.endedOn, year, day))
    .filter((u) => {
      const successor = placed(u);
      return successor !== undefined ? (subtreeOnDay(day)?.has(successor) ?? false) : (subtreeOnDay(dayBefore(u.endedOn!)!)?.has(u._id) ?? false);
    })
    .map((u) => u._id);
  return { branches, units };
}

/** A unit and the units above it on a day, nearest first. */
function ancestorsOn(byId: Map<string, UnitFactsDoc>, unitId: string, day: string): string[] {
  const out: string[] = [];
  for (let at: string | null | undefined = unitId; at && !out.includes(at); at = valueOn(byId.get(at)?.parents, day)) out.push(at);
  return out;
}

/**
 * Where a unit merged away stands on the day: its successor (or the successor's, if that merged
 * too) open then, which took over its branches and so its year (its courses count there, as its
 * branches' figures do); undefined for a unit dissolved, whose year counts where it stood on its last day.
 */
function placeOfClosed(units: UnitFactsDoc[], day: string): (u: UnitFactsDoc) => string | undefined {
  const byId = new Map(units.map((u) => [u._id, u]));
  return (u) => {
    const seen = new Set<string>();
    for (let at = byId.get(u.successorId ?? ''); at && !seen.has(at._id); at = byId.get(at.successorId ?? '')) {
      seen.add(at._id);
      if (existedOn(at.parents, at.endedOn, day)) return at._id;
    }
    return undefined;
  };
}

/**
 * The units closed in the year by the day, wherever they stood, and the units they were merged
 * into: what a unit's summary must be given beside its subtree of the day, for closedSince to place
 * them (and the courses they organised).
 */
export function unitsClosedInYear(units: UnitFactsDoc[], year: number, day: string): UnitFactsDoc[] {
  const byId = new Map(units.map((u) => [u._id, u]));
  const found = new Map(units.filter((u) => closedInYear(u.endedOn, year, day)).map((u) => [u._id, u]));
  // With their successors: a summary not given the one a closed unit went to would place it where it stood.
  for (const u of [...found.values()]) {
    for (let at = byId.get(u.successorId ?? ''); at && !found.has(at._id); at = byId.get(at.successorId ?? '')) found.set(at._id, at);
  }
  return [...found.values()];
}

/** Where the year's counts stop: the report's day for what is dated in the year, `decidedBy` for ratings and commendations. */
interface CountsBy {
  day: string;
  decidedBy: string;
}

/** Adds one branch of the subtree (as it stood on `day`) to the summary. */
function countBranch(s: UnitSummary, b: BranchReportDoc, by: CountsBy) {
  const day = by.day;
  const m = b.membership ?? {};
  const secretary = valueOn(m.secretaries, day);
  const members = totalOn(m.members, day);
  s.branches.total += 1;
  if (valueOn(b.structure?.residential, day)) s.branches.residential += 1;
  if (!secretary) s.branches.withoutSecretary += 1;
  if (members <= 0) s.branches.withoutMembers += 1;
  s.members.total += members;
  s.members.away += totalOn(m.away, day);
  if (secretary) {
    s.secretaries.total += 1;
    add(s.secretaries.bySource, secretary.source);
  }
  countYear(s, b, by);
}

/** A branch's counts of the year: admissions, Party introductions and admissions (up to the day), ratings and commendations (as decided by `decidedBy`). */
function countYear(s: UnitSummary, b: BranchReportDoc, by: CountsBy) {
  const y = String(s.year);
  const [from, to] = [`${y}-01-01`, by.day < `${y}-12-31` ? by.day : `${y}-12-31`];
  const m = b.membership ?? {};
  s.members.admittedInYear += countDays(m.admissions, from, to);
  s.party.introduced += countDays(m.introductions, from, to);
  s.party.admitted += countDays(m.partyAdmissions, from, to);
  const decided = b.evaluation?.decisions?.[y];
  addGrades(s.ratingsByScale.branches, decided?.branch, by.decidedBy);
  addGrades(s.ratingsByScale.members, decided?.member, by.decidedBy);
  s.commendations += countDays(b.evaluation?.commended?.[y], '', by.decidedBy);
}

/**
 * The year's courses organised in the subtree, and the secretaries' training as GET
 * /training-compliance counts it (one definition, @register/contracts): the secretaries of the
 * subtree's residential branches (and of those closed in the year, where they stood on their last
 * day open) who held the post at some time of the year up to the day (each once), trained when
 * they completed a course of that year by that day (enrolment alone, or `not-completed`, is not training). Completions are found on the branch documents read: training
 * records a participant on their branch of the day of enrolment.
 */
function training(facts: SummaryFacts, counted: BranchReportDoc[], closed: { branches: BranchReportDoc[] }, organisers: Set<string>, year: number, day: string): UnitSummary['training'] {
  // the year's courses begun by the day (a summary as of June does not count a course of October)
  const courses = facts.courses.filter((c) => c.year === year && !c.cancelled && organisers.has(c.organiserUnitId) && (c.startsOn === undefined || c.startsOn <= day));
  const until = trainingDayOf(year, day);
  // The branches closed since the year began, counted where they stood on their last day open (as
  // compliance counts them): one closed after the year (a summary of 2023 as of March 2025) was
  // open in it, and its secretaries held the post then (a probe found them dropped, the rate 1 for
  // a commune none of whose secretaries was trained).
  const closedResidential = closed.branches.filter((b) => valueOn(b.structure?.residential, dayBefore(b.structure!.endedOn!)));
  const secretaries = new Set(
    [...counted.filter((b) => valueOn(b.structure?.residential, day)), ...closedResidential]
      .flatMap((b) => spellsOf(b.membership?.secretaries).filter((p) => heldInYear(p, year, until)).map((p) => p.value.memberId)),
  );
  const trained = new Set(
    facts.branches.flatMap((b) =>
      (b.training?.completions ?? []).filter((c) => completedInYear({ ...c, outcome: 'completed', recordedAt: Date.parse(c.recordedAt), cancelled: false }, year, until)).map((c) => c.memberId),
    ),
  );
  const secretariesTrained = [...secretaries].filter((id) => trained.has(id)).length;
  return {
    courses: courses.length,
    participants: courses.reduce((n, c) => n + c.participantIds.length, 0),
    secretaries: secretaries.size,
    secretariesTrained,
    rate: trainedRate(secretariesTrained, secretaries.size),
  };
}
