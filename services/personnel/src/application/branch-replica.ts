import { Injectable } from '@nestjs/common';
import { OrganisationEvent, unitsMergedInto } from '@register/contracts';
import { AsOf, countsAsOf, SnapshotPart } from '@register/service-kit';
import { BranchStatusFact, MergerAfter } from '../domain/facts';
import { branchesWithin, establishedBy, inForce, Placement, placementOf, ReplicaEvent } from './unit-subtree';

export interface ReplicaBranch {
  branchId: string;
  parentUnitId: string;
  name: string;
  status: 'active' | 'closed';
  /** The effective date of the establishment, when the event carried one. */
  establishedOn: string | null;
  /** The day it was formed by a merger or split (established with predecessors): nobody was its member before. */
  formedOn?: string;
  closedOn: string | null;
  /** Which reorganisation closed it (absent while open, and in a snapshot written before 8 December 2026). */
  closedBy?: 'merger' | 'split' | 'dissolution';
  /** The branch a merger closed it into. */
  mergedInto?: string;
  /** The last yearly rating learnt from evaluation's events; null until evaluation publishes. */
  lastRating: string | null;
  /** Whether it has a residential area (thôn, bản, tổ dân phố); absent in a snapshot written before the replica kept it. */
  residential?: boolean;
}

/** A branch's decided grade for a year, from the day it took effect (the decision's, or an approved change's). */
interface RatingOfYear {
  year: number;
  grade: string;
  on: string | null;
}

/** The replica as the embedded start's snapshot keeps it; the set of units placed is rebuilt from the placements. */
interface BranchReplicaState {
  branches: Map<string, ReplicaBranch>;
  placements: Placement[];
  placed: Set<string>;
  ratings: Map<string, { grade: string; year: number }>;
  /** Absent in a snapshot written before the replica kept them (6 December 2026): closures since are known. */
  unitsClosed?: Map<string, string>;
  /** Absent in a snapshot written before 7 December 2026: a congress is then judged by the last rating. */
  ratingHistory?: Map<string, RatingOfYear[]>;
  /** As unitsClosed: each unit merged away, with the unit it went into. */
  mergedInto?: Map<string, string>;
}

/**
 * Personnel's own replica of the branches, fed only by organisation's published events (never by a
 * call to the organisation service): what the write path checks a branch against. In memory: the
 * consumer that feeds it replays the organisation topic from its start when the process starts,
 * unless the embedded start gave it back its state (SnapshotPart) and the topic's tail only.
 */
@Injectable()
export class BranchReplica implements SnapshotPart {
  readonly snapshotName = 'personnel.branch-replica';
  /** 2: with the units closed and merged away; 3: with each branch's `residential` (who may be sent from the administrative branch); 4: with every rating by year and day; 5: with what closed each branch. An older snapshot is not resumed from (one replay). */
  readonly snapshotVersion = 5;
  private branches = new Map<string, ReplicaBranch>();
  /** Where each unit and branch was placed, and when: the subtree of a unit today or as of a date. */
  private placements: Placement[] = [];
  private placed = new Set<string>();
  /** The units placed so far: whether a unit is known costs the same however large the tree. */
  private units = new Set<string>();
  /** Each branch's last rating and its year, also of branches organisation's events have not established yet. */
  private ratings = new Map<string, { grade: string; year: number }>();
  /** Every decided grade of each branch, by year and day: the rating a congress of a past day was held under. */
  private ratingHistory = new Map<string, RatingOfYear[]>();
  /** Units dissolved or merged away, with the day: a report of a period past it is asked of what was there. */
  private unitsClosed = new Map<string, string>();
  /** Each unit merged away, with the unit it went into: a successor's reports hold its history. */
  private mergedInto = new Map<string, string>();

  apply(event: ReplicaEvent): void {
    const e = event as OrganisationEvent;
    const on = event.metadata?.effectiveDate ?? null;
    this.place(event);
    switch (e.type) {
      case 'BranchEstablished':
        this.branches.set(e.data.branchId, { branchId: e.data.branchId, parentUnitId: e.data.parentUnitId, name: e.data.name, status: 'active', establishedOn: on, ...(on && e.data.predecessorIds?.length ? { formedOn: on } : {}), closedOn: null, lastRating: this.ratings.get(e.data.branchId)?.grade ?? null, residential: e.data.area !== null });
        return;
      case 'BranchRenamed':
        this.update(e.data.branchId, { name: e.data.name, ...(e.data.area === undefined ? {} : { residential: e.data.area !== null }) });
        return;
      case 'BranchMoved':
        this.update(e.data.branchId, { parentUnitId: e.data.toUnitId });
        return;
      case 'BranchDissolved':
        this.update(e.data.branchId, { status: 'closed', closedOn: on, closedBy: 'dissolution' });
        return;
      case 'BranchesMerged':
        for (const id of e.data.sourceBranchIds) this.update(id, { status: 'closed', closedOn: on, closedBy: 'merger', mergedInto: e.data.intoBranchId });
        return;
      case 'BranchSplit':
        this.update(e.data.sourceBranchId, { status: 'closed', closedOn: on, closedBy: 'split' });
        return;
      case 'UnitDissolved':
        if (on) this.unitsClosed.set(e.data.unitId, on);
        return;
      case 'UnitsMerged':
        for (const id of e.data.sourceUnitIds.filter((u) => u !== e.data.intoUnitId)) {
          if (on) this.unitsClosed.set(id, on);
          this.mergedInto.set(id, e.data.intoUnitId);
        }
        return;
      default:
        return;
    }
  }

  /** A replayed event (the topic read again from its start) places nothing twice. */
  private place(event: ReplicaEvent) {
    const placement = placementOf(event);
    if (!placement || (event.eventId !== undefined && this.placed.has(event.eventId))) return;
    if (event.eventId !== undefined) this.placed.add(event.eventId);
    this.placements.push(placement);
    if (placement.kind === 'unit') this.units.add(placement.id);
  }

  /** The day a unit was dissolved or merged into another, or null while open. */
  unitClosedOn(unitId: string): string | null {
    return this.unitsClosed.get(unitId) ?? null;
  }

  /** The units merged into this one by `day`, and those merged into them (a merger dated later is not its yet). */
  unitsMergedInto(unitId: string, day: string): string[] {
    return unitsMergedInto(this.mergedInto, unitId, (from) => (this.unitsClosed.get(from) ?? '') <= day);
  }

  /** The day a unit was first placed (established), null when from the beginning, undefined when not known. */
  unitEstablishedOn(unitId: string): string | null | undefined {
    return this.placements.find((p) => p.kind === 'unit' && p.id === unitId)?.on;
  }

  /** Whether the unit stood by `day`, as the register knew it at `knownAt` (when given): established by then, and recorded. */
  unitStoodBy(unitId: string, asOf: AsOf): boolean {
    return this.stoodBy('unit', unitId, asOf);
  }

  /** Whether the branch stood by the day asked, as the register knew it then: established by then, and recorded. */
  branchStoodBy(branchId: string, asOf: AsOf): boolean {
    return this.stoodBy('branch', branchId, asOf);
  }

  private stoodBy(kind: 'unit' | 'branch', id: string, asOf: AsOf): boolean {
    const first = this.placements.find((p) => p.kind === kind && p.id === id);
    return first !== undefined && countsAsOf(asOf, { effectiveDate: first.on, recordedAt: first.recordedAt });
  }

  /** The root of the tree (the central committee): the open unit placed with no parent; undefined before it is established. */
  rootUnit(): string | undefined {
    return this.placements.find((p) => p.kind === 'unit' && p.parentId === null && !this.unitsClosed.has(p.id))?.id;
  }

  /** Whether organisation's events have established this unit. */
  knowsUnit(unitId: string): boolean {
    return this.units.has(unitId);
  }

  /**
   * The branches in a unit's subtree, today or as of a date (by effective dates) or an instant (by
   * what was recorded): a branch merged or moved after that day still counts under its unit then.
   */
  branchesUnder(unitId: string, asOf?: AsOf): string[] {
    return branchesWithin(this.placements.filter((p) => inForce(p, asOf)), unitId).filter(establishedBy(this.placements, asOf));
  }

  /** The days after `from` and up to `to` on which a unit or branch was placed (established or moved): a subtree changes only on them. */
  placementDaysWithin(from: string, to: string): string[] {
    return [...new Set(this.placements.flatMap((p) => (p.on !== null && p.on > from && p.on <= to ? [p.on] : [])))].sort();
  }

  /**
   * A branch's decided rating, from evaluation's events: the latest year's counts (a decision on an
   * earlier year, arriving later, does not replace it; a change of the same year does). Kept for a
   * branch not known yet: the two topics are read each at its own pace.
   */
  recordRating(branchId: string, grade: string, year: number, on: string | null = null) {
    this.ratingHistory.set(branchId, [...(this.ratingHistory.get(branchId) ?? []), { year, grade, on }]);
    if ((this.ratings.get(branchId)?.year ?? -Infinity) > year) return;
    this.ratings.set(branchId, { grade, year });
    this.update(branchId, { lastRating: grade });
  }

  /**
   * The rating a congress on `day` was held under: of the years before the day's, the latest one
   * decided by then, as changed by then. A probe's congress of 2022 was judged by the rating of 2024.
   * Without the history (an older snapshot), the last rating.
   */
  ratingBefore(branchId: string, day: string): { grade: string; year: number } | null {
    const history = this.ratingHistory.get(branchId);
    if (!history) return this.ratings.get(branchId) ?? null;
    const earlier = history.filter((r) => r.year < Number(day.slice(0, 4)));
    if (earlier.length === 0) return null;
    // Decided by then: a year decided after the congress was not what it was held under (a re-probe). None decided by then
    // (ratings entered since, dated when entered): the latest year's grade as the register knows it, its changes included.
    const decided = earlier.filter((r) => r.on === null || r.on <= day);
    const from = decided.length > 0 ? decided : earlier;
    const year = Math.max(...from.map((r) => r.year));
    const ofYear = from.filter((r) => r.year === year);
    return { grade: ofYear[ofYear.length - 1].grade, year };
  }

  get(branchId: string): ReplicaBranch | undefined {
    return this.branches.get(branchId);
  }

  /** The branches still open. */
  active(): ReplicaBranch[] {
    return [...this.branches.values()].filter((b) => b.status === 'active');
  }

  /**
   * The branch's status now; given a day, `not-yet-formed` for a branch a merger or split formed
   * after it (closed since or not). A branch established on its own may have existed long before it was recorded
   * (a register is started from today's branches, then their members' real admission days), so its
   * establishment's day is not held against the day (docs/effective-dates.md, "Not covered yet").
   */
  statusOf(branchId: string, on?: string): BranchStatusFact {
    const b = this.branches.get(branchId);
    if (!b) return 'unknown';
    return on !== undefined && b.formedOn !== undefined && on < b.formedOn ? 'not-yet-formed' : b.status;
  }

  /**
   * The mergers that closed a branch after `on`, in order, when mergers alone closed it and the
   * last one's successor is open: a member who joined it on `on` (recorded after the mergers) was
   * in it until the first, then moved as its other members were. Undefined otherwise (open, or
   * closed on or before `on`, or by a split or dissolution after it: which part, if any, is not known).
   */
  mergersAfter(branchId: string, on: string): MergerAfter[] | undefined {
    const mergers: MergerAfter[] = [];
    let day = on;
    // Nobody joins a branch before a merger or split formed it (statusOf says not-yet-formed), merged away since or not.
    if ((this.branches.get(branchId)?.formedOn ?? on) > on) return undefined;
    for (let b = this.branches.get(branchId); b?.status === 'closed'; b = this.branches.get(b.mergedInto!)) {
      if (b.closedBy !== 'merger' || !b.closedOn || b.closedOn <= day || mergers.length >= 16) return undefined;
      mergers.push({ on: b.closedOn, intoBranchId: b.mergedInto! });
      day = b.closedOn;
    }
    return mergers.length > 0 && this.statusOf(mergers[mergers.length - 1].intoBranchId) === 'active' ? mergers : undefined;
  }

  /** Copies of the containers (their entries are never changed in place), so that later events do not reach a snapshot not yet written. */
  snapshotState(): BranchReplicaState {
    return { branches: new Map(this.branches), placements: [...this.placements], placed: new Set(this.placed), ratings: new Map(this.ratings), unitsClosed: new Map(this.unitsClosed), mergedInto: new Map(this.mergedInto), ratingHistory: new Map(this.ratingHistory) };
  }

  restoreState(state: unknown): void {
    const s = state as BranchReplicaState;
    this.branches = new Map(s.branches);
    this.placements = [...s.placements];
    this.placed = new Set(s.placed);
    this.ratings = new Map(s.ratings);
    this.unitsClosed = new Map(s.unitsClosed ?? []);
    this.mergedInto = new Map(s.mergedInto ?? []);
    this.ratingHistory = new Map(s.ratingHistory ?? []);
    this.units = new Set(this.placements.filter((p) => p.kind === 'unit').map((p) => p.id));
  }

  private update(branchId: string, change: Partial<ReplicaBranch>) {
    const b = this.branches.get(branchId);
    if (b) this.branches.set(branchId, { ...b, ...change });
  }
}
