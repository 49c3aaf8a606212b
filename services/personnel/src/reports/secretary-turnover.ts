import { DEPARTURE_CAUSES, DepartureCause, OFFICER_SOURCES, OfficerSource, REORGANISATION_DEPARTURE_CAUSES } from '@register/contracts';
import { addDays, daysBetween } from '../domain/dates';

/** Whether a branch stood in the unit's subtree on a day: a branch moved between units counts in each for its own days. */
export type StandsOn = (branchId: string, day: string) => boolean;
const always: StandsOn = () => true;

/** A secretary's post as the officer-posts read model keeps it: it ends at the start of `endsOn`. */
export interface SecretaryPost {
  branchId: string;
  memberId: string;
  source: OfficerSource;
  startsOn: string;
  endsOn: string | null;
  cause: DepartureCause | null;
  /** The start of the member's spell as secretary when it began in a predecessor branch (withCarriedOver). */
  tenureFrom?: string;
}

/** A branch of the unit's subtree, with every secretary's post it ever had, oldest first. */
export interface TurnoverBranch {
  branchId: string;
  /** The day the branch was merged, split or dissolved, or null. */
  closedOn: string | null;
  secretaries: SecretaryPost[];
}

export interface Period {
  from: string;
  to: string;
  /** Today: a post or a vacancy still open counts its days through `to`, or through today when `to` is still to come (a probe read a sitting secretary's tenure to the year's end). */
  today?: string;
}

/** The day after the last one a post or vacancy still open has lasted through. */
const dayAfterLived = (p: Period) => addDays(p.today !== undefined && p.today < p.to ? p.today : p.to, 1);

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const average = (xs: number[]) => (xs.length === 0 ? null : round(xs.reduce((a, b) => a + b, 0) / xs.length, 1));
function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : round((s[mid - 1] + s[mid]) / 2, 1);
}
const stats = (days: number[]) => ({ averageDays: average(days), medianDays: median(days) });
const within = (day: string, p: Period) => day >= p.from && day <= p.to;
const isReorganisation = (cause: DepartureCause | null) => (REORGANISATION_DEPARTURE_CAUSES as readonly string[]).includes(cause ?? '');
const endedIn = (p: Period) => (s: SecretaryPost): s is SecretaryPost & { endsOn: string } => s.endsOn !== null && within(s.endsOn, p);

/** Departures in the period by cause (every cause listed, 0 when none), and the tenure of those who left. */
function departures(branches: TurnoverBranch[], p: Period, standsOn: StandsOn) {
  const left = branches.flatMap((b) => b.secretaries.filter(endedIn(p)).filter((s) => standsOn(b.branchId, s.endsOn)));
  const byCause = Object.fromEntries(DEPARTURE_CAUSES.map((c) => [c, 0])) as Record<DepartureCause, number>;
  for (const s of left) byCause[s.cause ?? 'unknown'] += 1;
  const tenures = left.map((s) => daysBetween(s.tenureFrom ?? s.startsOn, s.endsOn));
  return { departures: { total: left.length, byCause }, tenure: { secretaries: left.length, ...stats(tenures) } };
}

/**
 * The gaps after a secretary left and before the next one started (or the branch closed), that
 * overlap the period. A gap still open on `to` has lasted until then (`vacantUntil` null), and its
 * days count through `to`; the average and median are of the gaps that ended within the period.
 */
function vacancies(branches: TurnoverBranch[], p: Period, standsOn: StandsOn) {
  const dayAfter = dayAfterLived(p);
  const items = branches.flatMap((b) =>
    b.secretaries.flatMap((s) => {
      if (s.endsOn === null || s.endsOn > p.to || (b.closedOn !== null && b.closedOn <= s.endsOn)) return [];
      // Where the branch stood when the vacancy began, or on the period's first day for one begun before it.
      if (!standsOn(b.branchId, s.endsOn > p.from ? s.endsOn : p.from)) return [];
      const next = b.secretaries.filter((n) => n !== s && n.startsOn >= s.endsOn!).sort((x, y) => x.startsOn.localeCompare(y.startsOn))[0];
      const ends = [next?.startsOn, b.closedOn].filter((d): d is string => d !== null && d !== undefined).sort()[0];
      if (ends === s.endsOn || (ends !== undefined && ends <= p.from)) return [];
      const ended = ends !== undefined && ends <= p.to;
      const filled = ended && ends === next?.startsOn;
      return [{ branchId: b.branchId, vacantFrom: s.endsOn, vacantUntil: ended ? ends : null, filled, days: daysBetween(s.endsOn, ended ? ends : dayAfter) }];
    }),
  );
  items.sort((a, b) => a.vacantFrom.localeCompare(b.vacantFrom) || a.branchId.localeCompare(b.branchId));
  const closed = items.filter((v) => v.vacantUntil !== null);
  return { total: items.length, ended: closed.length, open: items.length - closed.length, ...stats(closed.map((v) => v.days)), items };
}

/** Branches whose secretary changed (left, not by a reorganisation) more than once in the period, of the branches open in it. */
function changedMoreThanOnce(branches: TurnoverBranch[], p: Period, standsOn: StandsOn) {
  const open = branches.filter((b) => b.closedOn === null || b.closedOn >= p.from);
  const many = open.filter((b) => b.secretaries.filter(endedIn(p)).filter((s) => !isReorganisation(s.cause) && standsOn(b.branchId, s.endsOn)).length > 1);
  return { branches: many.length, of: open.length, share: open.length === 0 ? 0 : round(many.length / open.length, 4) };
}

/**
 * The secretaries in post at some time in the period who served longest (to their departure, or
 * through `to` while still in post): the longest quarter (at least one, ties at the cut included),
 * and their sources: districts compare which sources stay.
 */
function longestServing(branches: TurnoverBranch[], p: Period, standsOn: StandsOn) {
  const dayAfter = dayAfterLived(p);
  const served = branches
    .flatMap((b) => b.secretaries)
    .filter((s) => s.startsOn <= p.to && (s.endsOn === null || s.endsOn > p.from))
    // Placed by the last day of the post within the period: one whose branch moved on counts where it served last.
    .filter((s) => standsOn(s.branchId, s.endsOn !== null && s.endsOn <= p.to ? addDays(s.endsOn, -1) : p.to))
    .map((s) => {
      const until = s.endsOn !== null && s.endsOn <= p.to ? s.endsOn : null;
      const startsOn = s.tenureFrom ?? s.startsOn;
      return { branchId: s.branchId, memberId: s.memberId, source: s.source, startsOn, endsOn: until, days: daysBetween(startsOn, until ?? dayAfter) };
    })
    .sort((a, b) => b.days - a.days || a.branchId.localeCompare(b.branchId) || a.startsOn.localeCompare(b.startsOn));
  const cut = served[Math.ceil(served.length / 4) - 1]?.days;
  const items = served.filter((s) => cut !== undefined && s.days >= cut);
  const bySource = Object.fromEntries(OFFICER_SOURCES.map((s) => [s, 0])) as Record<OfficerSource, number>;
  for (const s of items) bySource[s.source] += 1;
  return { secretaries: items.length, of: served.length, bySource, items };
}

/**
 * A branch's posts with each re-election joined to the term before it: the register records one as
 * the end of the term and the same member's appointment from that very day, which is no turnover
 * (a probe found it counted as a departure, and the secretary's tenure cut at the election).
 */
function withReElections(b: TurnoverBranch): TurnoverBranch {
  const spells: SecretaryPost[] = [];
  for (const s of [...b.secretaries].sort((x, y) => x.startsOn.localeCompare(y.startsOn))) {
    const before = spells.findIndex((p) => p.memberId === s.memberId && p.endsOn === s.startsOn);
    if (before < 0) spells.push(s);
    else spells[before] = { ...s, startsOn: spells[before].startsOn, source: spells[before].source };
  }
  return { ...b, secretaries: spells };
}

/**
 * A secretary who carries on as the successor's secretary from the day a merger or a split ended
 * their post (appointed there that day) is no turnover either (a probe found it counted as a
 * departure, and the tenure cut): the ended post is left out, and the successor's post counts its
 * tenure, and takes its source, from the first post of the spell. Its own start stays, so that the
 * successor's vacancy before it still ends on that day.
 */
function withCarriedOver(branches: TurnoverBranch[]): TurnoverBranch[] {
  const startingOn = new Map(branches.flatMap((b) => b.secretaries.map((s) => [`${s.memberId}@${s.startsOn}`, s] as const)));
  const firstOf = new Map<SecretaryPost, SecretaryPost>();
  const carried = new Set<SecretaryPost>();
  for (const s of branches.flatMap((b) => b.secretaries).sort((x, y) => x.startsOn.localeCompare(y.startsOn))) {
    const next = s.endsOn !== null && isReorganisation(s.cause) ? startingOn.get(`${s.memberId}@${s.endsOn}`) : undefined;
    if (!next || next.branchId === s.branchId) continue;
    carried.add(s);
    firstOf.set(next, firstOf.get(s) ?? s);
  }
  if (carried.size === 0) return branches;
  const spell = (s: SecretaryPost): SecretaryPost => {
    const first = firstOf.get(s);
    return first ? { ...s, tenureFrom: first.tenureFrom ?? first.startsOn, source: first.source } : s;
  };
  return branches.map((b) => ({ ...b, secretaries: b.secretaries.filter((s) => !carried.has(s)).map(spell) }));
}

/**
 * A post ended on its own first day was never held (an appointment whose branch was merged away
 * on a date recorded later: docs/effective-dates.md): no departure, no tenure, no vacancy.
 */
const withoutNeverHeld = (b: TurnoverBranch): TurnoverBranch => ({ ...b, secretaries: b.secretaries.filter((s) => s.endsOn === null || s.endsOn > s.startsOn) });

/**
 * Secretary turnover (the field reports' worry: secretaries leave to work or study far away, or
 * resign) in the branches of a unit's subtree over a period, both days included. Pure: the
 * branches and their secretaries' posts come from the caller, every branch that stood in the
 * subtree on some day of the period, and `standsOn` says on which days each did.
 */
export function secretaryTurnover(branches: TurnoverBranch[], period: Period, closedBefore: TurnoverBranch[] = [], standsOn: StandsOn = always) {
  // The branches closed before the period count nothing in it; a secretary carried on from one of them keeps their spell's start.
  const inPeriod = new Set(branches.map((b) => b.branchId));
  branches = withCarriedOver([...branches, ...closedBefore].map(withoutNeverHeld).map(withReElections)).filter((b) => inPeriod.has(b.branchId));
  return {
    from: period.from,
    to: period.to,
    branches: branches.length,
    ...departures(branches, period, standsOn),
    vacancies: vacancies(branches, period, standsOn),
    changedMoreThanOnce: changedMoreThanOnce(branches, period, standsOn),
    longestServing: longestServing(branches, period, standsOn),
  };
}
