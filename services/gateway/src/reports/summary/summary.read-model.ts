import { Injectable, Optional } from '@nestjs/common';
import { dayBefore } from '@register/contracts';
import { NotFoundError } from '@register/event-sourcing';
import { Doc, ProjectionQueries } from '@register/read-models';
import { ReportingView } from './reporting-as-recorded';
import { ReportingReadModel } from './reporting-read-model';
import { BRANCH_FIELDS, REPORT_BRANCHES, REPORTED_SERVICES } from './reporting-projections';
import { UnitFactsDoc } from './structure-facts.projection';
import { BranchReportDoc, subtreeOn, summarise, UnitSummary, unitsClosedInYear } from './summary';
import { SummaryRollupRefresher } from './summary-rollup.refresher';
import { CourseFactsDoc } from './training-facts.projection';

/** How old the last refresh may be, once the reporting projections moved past it, before a summary is computed live instead (REPORT_ROLLUPS_STALE_MS; 30 s). */
export function rollupsStaleMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = env.REPORT_ROLLUPS_STALE_MS ? Number(env.REPORT_ROLLUPS_STALE_MS) : NaN;
  return Number.isFinite(ms) && ms >= 0 ? ms : 30_000;
}

/** Live answers kept for the summaries' monotonic reads (LatestAnswers): a province's units, a few years each. */
const LATEST_ANSWERS = 2_000;

/** Whether positions `a` reach every position of `b`. */
const reaches = (a: Record<string, number>, b: Record<string, number>) => Object.entries(b).every(([s, p]) => (a[s] ?? 0) >= p);

/**
 * The newest live answer of each summary asked without asOf, so that a read after a fresher one
 * (a minPosition read computed live, the rollup not yet refreshed) does not answer an older
 * rollup: a client that read its own write would see it vanish. Per process, bounded.
 */
class LatestAnswers {
  private readonly answers = new Map<string, SummaryAnswer>();

  keep(key: string, answer: SummaryAnswer): void {
    const held = this.answers.get(key);
    if (held && !reaches(answer.positions, held.positions)) return;
    this.answers.delete(key);
    this.answers.set(key, answer);
    if (this.answers.size > LATEST_ANSWERS) this.answers.delete(this.answers.keys().next().value as string);
  }

  /** The kept answer when it is newer than `stored` (or there is none). */
  newerThan(key: string, stored: SummaryAnswer | undefined): SummaryAnswer | undefined {
    const held = this.answers.get(key);
    return held && (!stored || (reaches(held.positions, stored.positions) && !reaches(stored.positions, held.positions))) ? held : undefined;
  }
}

/** How long a replay as recorded by an instant is kept unused, for the next summary asked at that instant (another unit, another year). */
const REPLAY_KEPT_MS = 60_000;

/**
 * The last replay of the reporting read model as recorded by an instant: an auditor's summaries
 * of several units at one instant share it. One is built at a time (each holds a copy of the
 * reporting documents); dropped a minute after its last use, or when another instant is asked.
 */
class Replays {
  private held?: { at: number; view: Promise<ReportingView>; timer?: NodeJS.Timeout };
  private building: Promise<unknown> = Promise.resolve();

  constructor(private readonly build: (by: Date) => Promise<ReportingView>) {}

  of(by: Date): Promise<ReportingView> {
    const at = by.getTime();
    if (this.held?.at !== at) {
      this.drop();
      const view = this.building.then(() => this.build(by));
      this.building = view.catch(() => undefined);
      view.catch(() => this.held?.view === view && this.drop());
      this.held = { at, view };
    }
    const held = this.held!;
    clearTimeout(held.timer);
    held.timer = setTimeout(() => this.held === held && this.drop(), REPLAY_KEPT_MS).unref();
    return held.view;
  }

  private drop(): void {
    clearTimeout(this.held?.timer);
    this.held = undefined;
  }
}

/** The read store's documents as the projection wrote them. */
const as = <T>(docs: Doc[]) => docs as unknown as T[];

/** The summary as the reporting read model answers it, with the position of each service's log it reflects. */
export type SummaryAnswer = UnitSummary & { positions: Record<string, number> };

/** The reporting documents of every branch that ever sat in one of `unitIds`: one find, by the structure's indexed `unitIds`. */
export const branchesFilter = (unitIds: string[]) => ({ [`${BRANCH_FIELDS.organisation}.unitIds`]: { $in: unitIds } });

/** Reads what one summary needs from the reporting read model: the subtree's branch documents, not every member. */
@Injectable()
export class SummaryReadModel {
  /** Every unit, as of the structure's checkpoint: read again only when organisation's log has moved on. */
  private units?: { position: number; docs: Promise<UnitFactsDoc[]> };
  private readonly latest = new LatestAnswers();
  private readonly replays = new Replays((by) => this.reporting.asRecordedBy(by));

  constructor(
    private readonly reporting: ReportingReadModel,
    @Optional() private readonly refresher?: SummaryRollupRefresher,
  ) {}

  private unitsOf(structure: ProjectionQueries): Promise<UnitFactsDoc[]> {
    if (this.units?.position !== structure.position || structure.position === 0) {
      const docs = structure.collection('units').find().then((found) => as<UnitFactsDoc>(found));
      docs.catch(() => (this.units = undefined));
      this.units = { position: structure.position, docs };
    }
    return this.units.docs;
  }

  /**
   * The summary: from its stored rollup when no asOf was asked (the day is the year's default, and
   * the year's ratings count as known now) and the rollup reflects every position asked (one read
   * by `_id`), else computed live from the read model (exact as of the projections, and waiting for
   * them as minPosition asks), with the year's decisions counted as decided by `asOf`.
   */
  async summary(unitId: string, year: number, day: string, asked: Record<string, number> = {}, asOf?: string): Promise<SummaryAnswer> {
    const minPositions = await this.reporting.settled(asked);
    if (asOf) return this.live(unitId, year, day, minPositions, asOf);
    const key = `${unitId}/${year}/${day}`;
    if (this.refresher) {
      const stored = await this.refresher.rollups.read(unitId, year, day);
      const behind = this.refresher.rollups.behind(this.reporting.positions(), Date.now(), rollupsStaleMs());
      const answer = stored && !behind ? (this.latest.newerThan(key, stored) ?? stored) : undefined;
      if (answer && reaches(answer.positions, minPositions)) return answer;
    }
    const computed = await this.live(unitId, year, day, minPositions);
    this.latest.keep(key, computed);
    return computed;
  }

  /** The summary computed from the reporting read model's documents now; the year's decisions as decided by `decidedBy` (else all). */
  live(unitId: string, year: number, day: string, minPositions: Record<string, number> = {}, decidedBy?: string): Promise<SummaryAnswer> {
    return this.countFrom(this.reporting, unitId, year, day, minPositions, decidedBy);
  }

  /**
   * The summary as the register had recorded it by `by` (knownAt, or an instant asOf), the year's
   * decisions as decided by `decidedBy` (else all recorded by then): counted from a replay of the
   * four logs up to then, which the next summary asked at the same instant shares.
   */
  async asRecorded(unitId: string, year: number, day: string, by: Date, decidedBy?: string): Promise<SummaryAnswer> {
    return { ...(await this.countFrom(await this.replays.of(by), unitId, year, day, {}, decidedBy)), knownAt: by.toISOString() };
  }

  private async countFrom(view: ReportingView, unitId: string, year: number, day: string, minPositions: Record<string, number>, decidedBy?: string): Promise<SummaryAnswer> {
    const [structure, , training] = await Promise.all(REPORTED_SERVICES.map((s) => view.of(s, minPositions[s])));
    const positions = view.positions();
    const units = view === this.reporting ? await this.unitsOf(structure) : as<UnitFactsDoc>(await structure.collection('units').find());
    const subtree = [...(subtreeOn(units, unitId, day) ?? [])];
    if (!subtree.length) throw notThereOn(units, unitId, day);
    // Those of the units closed in the year too: counted where the unit stood on its last day open, or under its successor.
    const closed = unitsClosedInYear(units, year, day).map((u) => u._id);
    const [branches, courses] = await Promise.all([
      // summarise only reads them: the embedded store need not copy a province's 3,000 documents
      view.store!.find(REPORT_BRANCHES, branchesFilter([...subtree, ...closed]), { readOnly: true }),
      training.collection('courses').find({ organiserUnitId: { $in: [...subtree, ...closed] }, year }),
    ]);
    const facts = { units, branches: as<BranchReportDoc>(branches), courses: as<CourseFactsDoc>(courses) };
    return { ...summarise(facts, unitId, year, day, decidedBy)!, positions };
  }
}

/** Why a unit has no summary on the day: it closed before it (say when, and what to ask), began after it, or is not known. */
function notThereOn(units: UnitFactsDoc[], unitId: string, day: string): NotFoundError {
  const unit = units.find((u) => u._id === unitId);
  const begun = Object.keys(unit?.parents ?? {}).sort()[0];
  if (unit?.endedOn && unit.endedOn <= day) {
    return new NotFoundError('unit', unitId, `unit ${unitId} closed on ${unit.endedOn} (dissolved or merged), on or before ${day}: ask its summary with asOf=${dayBefore(unit.endedOn)} or earlier, or its successor's (GET /units/${unitId}/lineage)`);
  }
  if (begun !== undefined && begun > day) return new NotFoundError('unit', unitId, `unit ${unitId} was established on ${begun}, after ${day}`);
  return new NotFoundError('unit', `${unitId} on ${day}`);
}
