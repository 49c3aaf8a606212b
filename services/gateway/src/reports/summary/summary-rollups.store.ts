import { Doc, ProjectionQueries, ReadStore, WriteOp } from '@register/read-models';
import { REPORT_BRANCHES, REPORTED_SERVICES, ReportedService } from './reporting-projections';
import { UnitFactsDoc } from './structure-facts.projection';
import { BranchReportDoc, UnitSummary } from './summary';
import { rollupId, rollups } from './summary-rollups';
import { CourseFactsDoc } from './training-facts.projection';

/** The rollups' collection in the reporting read store: one document per unit, year and day, and the `refreshed` note. */
export const ROLLUPS = 'report.summary-rollups';
/**
 * Bumped when what a rollup holds changes meaning: documents of another version are not answered.
 * 2: `ratings` became the contract's flat `{ grade: n }`, the per-scale detail moved to `ratingsByScale`.
 * 3: the year's counts and training include branches and units closed in the year before the day.
 * 4: admissions and Party counts up to the day; ratings of both periods of a year, each by its day.
 * 5: the year's courses begun by the day (training-facts @4 knows their first day).
 * 6: a move dated before its branch or unit was established takes effect from the establishment (report-structure @3);
 *    the courses of units closed in the year are counted, a merged unit's under its successor (report-structure @4).
 * 7: an admission recorded ahead counts from its effective date (report-membership @4); `decisionsAsOf` (null in a rollup);
 *    a branch closed before a unit above it merged away counts under that unit's successor.
 * 8: each unit once in a rollup's facts: a merger's successor's own courses were counted twice.
 * 9: a status change dated before a move recorded already counts where the member was on each day (report-membership @6).
 * 10: `unitName`, the unit's name on the day (report-structure @5).
 */
export const ROLLUP_VERSION = 10;
/** The note of the last complete refresh (no rollup's `_id`: those hold slashes). */
export const REFRESHED = 'refreshed';

export interface RollupDoc {
  _id: string;
  version: number;
  summary: UnitSummary;
  /** The positions read before the facts of the refresh that last wrote it. */
  positions: Record<string, number>;
}

/** Every rollup document there was confirmed by the refresh at `positions`: written by it, or found unchanged. */
export interface RefreshedDoc {
  _id: typeof REFRESHED;
  version: number;
  positions: Record<string, number>;
  today: string;
  at: string;
}

export interface RefreshOutcome {
  positions: Record<string, number>;
  today: string;
  /** Rollups computed, written (changed since the last write), deleted (no longer computed). */
  documents: number;
  written: number;
  deleted: number;
  ms: number;
}

/** What a refresh reads the facts through: the reporting read model (or the benchmark's stand-in for it). */
export interface ReportingFacts {
  store?: ReadStore;
  of(service: ReportedService): Promise<ProjectionQueries>;
  positions(): Record<string, number>;
}

const WRITE_CHUNK = 500;
/** A turn of the event loop: a refresh of a province takes seconds, the reads go on meanwhile. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const as = <T>(docs: Doc[]) => docs as unknown as T[];

/**
 * Computes every unit's year-end summaries from the reporting read model and stores those that
 * changed since it last wrote them (after a start: all, once; and those no longer computed are
 * deleted). One refresher writes at a time (SummaryRollupRefresher's lease).
 */
export class SummaryRollups {
  /** What this process wrote (or found stored, before its first refresh), as JSON: a write only when it changed. */
  private written?: Map<string, string>;
  private pos = 0;
  /**
   * A `refreshed` note whose read ended (or whose write, here) before the rollup reads that use it
   * began: only such a note vouches for a document read after it. One read beside the document
   * could be served after a refresh that the document's read came before.
   */
  private seen?: RefreshedDoc;

  constructor(private readonly reporting: ReportingFacts) {}

  private get store(): ReadStore {
    if (!this.reporting.store) throw new Error('the reporting read store is not open yet');
    return this.reporting.store;
  }

  /** After the lease changed hands: what is stored is not known any more, so the next refresh writes all again. */
  forget(): void {
    this.written = undefined;
  }

  async refresh(today: string, assertFresh: () => void = () => undefined): Promise<RefreshOutcome> {
    const started = performance.now();
    const store = this.store;
    const [structure, , training] = await Promise.all(REPORTED_SERVICES.map((s) => this.reporting.of(s)));
    const positions = this.reporting.positions();
    // copies, not the memory store's own documents: the projections change those in place while a refresh yields
    const [units, branches, courses] = await Promise.all([structure.collection('units').find(), store.find(REPORT_BRANCHES), training.collection('courses').find()]);
    await store.ensureCollection(ROLLUPS, {});
    const written = (this.written ??= new Map((await store.find(ROLLUPS, {}, { fields: { _id: 1 } })).filter((d) => d._id !== REFRESHED).map((d) => [d._id as string, ''])));
    const facts = { units: as<UnitFactsDoc>(units), branches: as<BranchReportDoc>(branches), courses: as<CourseFactsDoc>(courses) };
    const pos = (this.pos = Math.max(this.pos + 1, Date.now()));
    const computed = new Set<string>();
    let ops: Array<{ op: WriteOp; text: string }> = [];
    let count = 0;
    const flush = async () => {
      if (!ops.length) return;
      assertFresh();
      await store.write(ROLLUPS, ops.map((o) => o.op), false);
      for (const { op, text } of ops) written.set(op._id, text);
      count += ops.length;
      ops = [];
    };
    for (const rollup of rollups(facts, today)) {
      computed.add(rollup._id);
      const text = JSON.stringify(rollup.summary);
      if (written.get(rollup._id) !== text) ops.push({ op: { _id: rollup._id, pos, replace: { version: ROLLUP_VERSION, summary: rollup.summary, positions }, upsert: true }, text });
      if (ops.length >= WRITE_CHUNK) await flush();
      await turn();
    }
    await flush();
    // a day gone by (the year under way counts on today), or a unit found not to exist then after all
    const gone = [...written.keys()].filter((id) => !computed.has(id));
    for (const id of gone) {
      assertFresh();
      await store.deleteOne(ROLLUPS, id);
      written.delete(id);
    }
    assertFresh();
    const refreshed: Omit<RefreshedDoc, '_id'> = { version: ROLLUP_VERSION, positions, today, at: new Date().toISOString() };
    await store.write(ROLLUPS, [{ _id: REFRESHED, pos, replace: refreshed, upsert: true }], false);
    this.seen = { _id: REFRESHED, ...refreshed };
    return { positions, today, documents: computed.size, written: count, deleted: gone.length, ms: Math.round(performance.now() - started) };
  }

  /**
   * True when the rollups have fallen behind: a reporting projection moved past the last complete
   * refresh noted, and that refresh is older than `staleMs`. The refresher stops when a service it
   * must wait for does not answer (distributed: its log is read over HTTP); the rollups would then
   * hold the moment that service went away, for every service, as long as it stays away.
   */
  behind(current: Record<string, number>, now: number, staleMs: number): boolean {
    const seen = this.seen;
    if (!seen || seen.version !== ROLLUP_VERSION) return false;
    const moved = Object.entries(current).some(([s, p]) => p > (seen.positions[s] ?? 0));
    return moved && now - Date.parse(seen.at) > staleMs;
  }

  /**
   * The stored summary of a unit for a year on `day`, or undefined. Its positions: each service's
   * the greater of its own (the refresh that wrote it) and those of a complete refresh noted before
   * this read began (`seen`), which found every document there current (it wrote, kept or deleted
   * each). The note is read again beside the document, for the reads after this one.
   */
  async read(unitId: string, year: number, day: string): Promise<(UnitSummary & { positions: Record<string, number> }) | undefined> {
    const store = this.reporting.store;
    if (!store) return undefined;
    const refreshed = this.seen;
    const note = store.findOne(ROLLUPS, { _id: REFRESHED }).then((found) => void (this.seen = found as RefreshedDoc | undefined));
    const doc = (await store.findOne(ROLLUPS, { _id: rollupId(unitId, year, day) })) as RollupDoc | undefined;
    await note.catch(() => undefined); // a note not read now is read at the next: this answer does not need it
    if (!doc || doc.version !== ROLLUP_VERSION) return undefined;
    const positions = { ...doc.positions };
    if (refreshed?.version === ROLLUP_VERSION) for (const [s, p] of Object.entries(refreshed.positions)) positions[s] = Math.max(positions[s] ?? 0, p);
    return { ...doc.summary, positions };
  }
}
