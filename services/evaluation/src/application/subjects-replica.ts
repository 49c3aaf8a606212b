import { Injectable } from '@nestjs/common';
import { OrganisationEvent, PersonnelEvent, RatingSubject, unitsMergedInto } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { AsOf, countsAsOf, SnapshotPart } from '@register/service-kit';
import { Span, SubjectLookup } from '../domain/subjects';

interface BranchFacts extends Span {
  parentUnitId: string;
  predecessorIds: string[];
  /** It has a residential area (thôn, bản, tổ dân phố…), as its latest establishment or renaming gave it. */
  residential: boolean;
  /** When its establishment was recorded (absent for a branch established by an event without a recording time). */
  recordedAt?: string;
}

interface Stay extends Span {
  branchId: string;
}

/** The replica as the embedded start's snapshot keeps it. */
interface SubjectsReplicaState {
  units: Map<string, string | null>;
  branches: Map<string, BranchFacts>;
  memberStays: Map<string, Stay[]>;
  posts: Map<string, Stay[]>;
  /** Absent in a snapshot of before 6 December 2026: moves from then on are known. */
  reparented?: Set<string>;
  /** Absent in a snapshot of before 6 December 2026: the places then known stand from the beginning. */
  placements?: Map<string, Placed[]>;
  /** Each unit merged away, with the unit it went into (snapshot version 2 on). */
  mergedInto?: Map<string, string>;
  /** The day each merger took effect (version 4 on). */
  mergedOn?: Map<string, string | null>;
  /** The day each unit was dissolved (version 4 on). */
  dissolvedOn?: Map<string, string | null>;
  /** Each unit's establishment: its day and when it was recorded (absent before 7 December 2026: those units are taken as standing). */
  unitsEstablished?: Map<string, { on: string | null; recordedAt?: string }>;
}

/** Where a unit or branch sat from a day on (null: from its beginning, as far as the replica knows). */
interface Placed {
  on: string | null;
  parentId: string | null;
}

/** The place on `day`: of those in force by then, the latest day's, the later recorded on a tie; before them all, the first. */
function placeOn(placed: Placed[], day: string): Placed | undefined {
  let found: Placed | undefined;
  for (const p of placed) if ((p.on === null || p.on <= day) && (found === undefined || (p.on ?? '') >= (found.on ?? ''))) found = p;
  return found ?? placed[0];
}

/**
 * Evaluation's replica of the subjects it rates, fed only by organisation's and personnel's
 * published events (never a call in the write path): which units and branches exist and where,
 * whether a branch is residential,
 * each branch's life and predecessors (mergers, splits), each member's branches and each officer's
 * posts, with their dates. No names: evaluation keeps ids only, so an erasure leaves nothing here.
 * In memory: its consumers read both topics from their beginning at each start, unless the
 * embedded start gave the replica back (SnapshotPart) and the topics' tails only.
 */
@Injectable()
export class SubjectsReplica implements SubjectLookup, SnapshotPart {
  readonly snapshotName = 'evaluation.subjects-replica';
  /**
   * 2: with the units merged away (their lists are their successors' too); 4: with the day each
   * merger and dissolution took effect and when each branch was recorded (a merger dated later is not
   * the successor's yet; a closed unit issues nothing). An older snapshot is replayed, never restored.
   */
  readonly snapshotVersion = 4;
  private units = new Map<string, string | null>();
  /** Each unit merged away, with the unit it went into, and the day that took effect. */
  private mergedInto = new Map<string, string>();
  private mergedOn = new Map<string, string | null>();
  private dissolvedOn = new Map<string, string | null>();
  private branches = new Map<string, BranchFacts>();
  /** The units and branches ever moved (a move, or a merger's): a rating placed before has another ancestry now. */
  private reparented = new Set<string>();
  /** Each unit's and branch's places with their days (keyed `unit:` and `branch:`): where a subject sat on a past day. */
  private placements = new Map<string, Placed[]>();
  private unitsEstablished = new Map<string, { on: string | null; recordedAt?: string }>();
  /** The tree's children on the days read since the tree last changed (treeOn): today's and an asOf list's or two. */
  private trees = new Map<string, { childUnits: Map<string, string[]>; branchesOf: Map<string, string[]> }>();
  private memberStays = new Map<string, Stay[]>();
  private posts = new Map<string, Stay[]>();

  applyOrganisation(event: RecordedEvent): void {
    const e = event as unknown as OrganisationEvent;
    const on = event.metadata?.effectiveDate ?? null;
    switch (e.type) {
      case 'UnitEstablished':
        if (!this.unitsEstablished.has(e.data.unitId)) this.unitsEstablished.set(e.data.unitId, { on, recordedAt: event.recordedAt });
        this.units.set(e.data.unitId, e.data.parentId);
        this.place(`unit:${e.data.unitId}`, on, e.data.parentId);
        return;
      case 'UnitMoved':
        this.units.set(e.data.unitId, e.data.toParentId);
        this.reparented.add(e.data.unitId);
        this.place(`unit:${e.data.unitId}`, on, e.data.toParentId);
        return;
      case 'BranchEstablished':
        this.place(`branch:${e.data.branchId}`, on, e.data.parentUnitId);
        this.branches.set(e.data.branchId, { parentUnitId: e.data.parentUnitId, from: on, to: null, predecessorIds: [...e.data.predecessorIds], residential: e.data.area !== null, recordedAt: event.recordedAt });
        return;
      case 'BranchRenamed':
        this.updateBranch(e.data.branchId, (b) => ({ ...b, residential: e.data.area !== null }));
        return;
      case 'BranchMoved':
        this.updateBranch(e.data.branchId, (b) => ({ ...b, parentUnitId: e.data.toUnitId }));
        this.reparented.add(e.data.branchId);
        this.place(`branch:${e.data.branchId}`, on, e.data.toUnitId);
        return;
      case 'BranchDissolved':
        this.updateBranch(e.data.branchId, (b) => ({ ...b, to: on }));
        return;
      case 'BranchesMerged':
        for (const id of e.data.sourceBranchIds) this.updateBranch(id, (b) => ({ ...b, to: on }));
        this.updateBranch(e.data.intoBranchId, (b) => ({ ...b, predecessorIds: [...new Set([...b.predecessorIds, ...e.data.sourceBranchIds])] }));
        return;
      case 'BranchSplit':
        this.updateBranch(e.data.sourceBranchId, (b) => ({ ...b, to: on }));
        for (const part of e.data.parts) this.updateBranch(part.branchId, (b) => ({ ...b, predecessorIds: [...new Set([...b.predecessorIds, e.data.sourceBranchId])] }));
        return;
      case 'UnitDissolved':
        this.dissolvedOn.set(e.data.unitId, on);
        return;
      case 'UnitsMerged':
        for (const id of e.data.sourceUnitIds) {
          if (id === e.data.intoUnitId) continue;
          this.mergedInto.set(id, e.data.intoUnitId);
          this.mergedOn.set(id, on);
        }
        return;
      default:
        return;
    }
  }

  applyPersonnel(event: RecordedEvent): void {
    const e = event as unknown as PersonnelEvent;
    switch (e.type) {
      case 'MemberAdmitted':
        this.memberStays.set(e.data.memberId, [{ branchId: e.data.branchId, from: e.data.admittedOn, to: null }]);
        return;
      case 'MemberTransferred':
        this.endAndStart(this.memberStays, e.data.memberId, e.data.transferredOn, e.data.toBranchId);
        return;
      case 'MemberMovedForPeriod':
        this.restate(e.data.memberId, e.data.fromBranchId, e.data.toBranchId, e.data.movedOn, e.data.until);
        return;
      case 'MemberUnassignedForPeriod':
        this.restate(e.data.memberId, e.data.fromBranchId, null, e.data.on, e.data.until);
        return;
      case 'MemberMoveTakenBack':
        this.takeBack(e.data.memberId, e.data.fromBranchId, e.data.movedOn, e.data.leftOn);
        return;
      case 'MemberStatusChanged':
        if (e.data.status === 'left' || e.data.status === 'came-of-age') this.end(this.memberStays, e.data.memberId, e.data.changedOn);
        else if (e.data.previousStatus === 'left' || e.data.previousStatus === 'came-of-age') this.endAndStart(this.memberStays, e.data.memberId, e.data.changedOn, e.data.branchId);
        return;
      case 'OfficerAppointed':
        this.posts.set(e.data.memberId, [...(this.posts.get(e.data.memberId) ?? []), { branchId: e.data.branchId, from: e.data.startsOn, to: null }]);
        return;
      case 'OfficerDeparted':
        this.end(this.posts, e.data.memberId, e.data.endsOn, e.data.branchId);
        return;
      case 'OfficerDepartureBroughtForward': {
        // The post a reorganisation ended ended earlier: an officer rating of a day between no longer finds it.
        const list = this.posts.get(e.data.memberId) ?? [];
        this.posts.set(e.data.memberId, list.map((s) => (s.branchId === e.data.branchId && s.to === e.data.previousEndsOn ? { ...s, to: e.data.endsOn } : s)));
        return;
      }
      default:
        return;
    }
  }

  spansOf(subjectType: RatingSubject, subjectId: string): Stay[] {
    if (subjectType === 'branch') {
      const b = this.branches.get(subjectId);
      return b ? [{ branchId: subjectId, from: b.from, to: b.to }] : [];
    }
    return (subjectType === 'member' ? this.memberStays : this.posts).get(subjectId) ?? [];
  }

  /** The branch's units now, nearest first, up to the root. */
  ancestry(branchId: string): string[] {
    const parent = this.branches.get(branchId)?.parentUnitId;
    return parent === undefined ? [] : this.unitAncestry(parent);
  }

  /**
   * Whether the branch is residential (it has an area), as organisation's events say now. The
   * events tell no other kind: a branch without an area may be a school's, an agency's or an enterprise's.
   */
  isResidential(branchId: string): boolean {
    return this.branches.get(branchId)?.residential ?? false;
  }

  /** A member personnel's events have named (admitted, whatever became of them since). */
  knowsMember(memberId: string): boolean {
    return this.memberStays.has(memberId);
  }

  /** A subject the events have named: a branch organisation's, a member or an officer (a member) personnel's. */
  knowsSubject(subjectType: RatingSubject, subjectId: string): boolean {
    return subjectType === 'branch' ? this.branches.has(subjectId) : this.knowsMember(subjectId);
  }

  /** A unit organisation's events have named (established, whatever became of it since). */
  knowsUnit(unitId: string): boolean {
    return this.units.has(unitId);
  }

  /**
   * The day the branch was established as the successor of a merger or split (a predecessor closed
   * the day it began), else null: a branch that absorbed others (sáp nhập into it) keeps its own
   * cycle, and so null.
   */
  successorSince(branchId: string): string | null {
    const b = this.branches.get(branchId);
    if (!b?.from) return null;
    return b.predecessorIds.some((p) => this.branches.get(p)?.to === b.from) ? b.from : null;
  }

  /**
   * The branch's units on `day`, nearest first, up to the root: where it sat then, as recorded now
   * (a commendation or support visit entered late is checked against the tree of its day).
   */
  ancestryOn(branchId: string, day: string): string[] {
    const chain: string[] = [];
    const placed = this.placements.get(`branch:${branchId}`);
    if (!placed) return this.ancestry(branchId);
    for (let unit = placeOn(placed, day)?.parentId ?? null; unit !== null && !chain.includes(unit); ) {
      chain.push(unit);
      const up = this.placements.get(`unit:${unit}`);
      unit = up ? (placeOn(up, day)?.parentId ?? null) : (this.units.get(unit) ?? null);
    }
    return chain;
  }

  /**
   * The branches under the unit on `day` (today, for today's lists) that were moved there, or under a
   * unit moved there, since: what a list by unit must add to the documents placed under it when they
   * were recorded. A move dated later leaves the branch where it is until then (a probe saw the unit
   * it goes to list its ratings at once).
   */
  branchesMovedUnder(unitId: string, day: string): string[] {
    if (this.reparented.size === 0) return [];
    const { childUnits, branchesOf } = this.treeOn(day);
    const found: string[] = [];
    // Walks the unit's subtree only (a commune's list costs a commune), knowing whether a unit on the way down, or above it, was moved.
    const stack: Array<[string, boolean]> = [[unitId, this.unitAncestry(unitId).some((u) => this.reparented.has(u))]];
    for (const seen = new Set<string>(); stack.length > 0; ) {
      const [unit, movedAbove] = stack.pop()!;
      if (seen.has(unit)) continue;
      seen.add(unit);
      const moved = movedAbove || this.reparented.has(unit);
      for (const branchId of branchesOf.get(unit) ?? []) if (moved || this.reparented.has(branchId)) found.push(branchId);
      for (const child of childUnits.get(unit) ?? []) stack.push([child, moved]);
    }
    return found;
  }

  /**
   * The units merged into this one, and those merged into them: a successor's lists hold what was
   * placed under them (a branch closed before its commune merged away: a probe found the
   * successor's ratings list short of what its summary counts).
   */
  unitsMergedInto(unitId: string, day: string): string[] {
    return unitsMergedInto(this.mergedInto, unitId, (from) => (this.mergedOn.get(from) ?? '') <= day);
  }

  /** The unit and the units above it, now. */
  private unitAncestry(unitId: string): string[] {
    const chain: string[] = [];
    for (let unit: string | null = unitId; unit !== null && !chain.includes(unit); unit = this.units.get(unit) ?? null) chain.push(unit);
    return chain;
  }

  /** Each unit's child units and branches now, built once after the tree last changed (reads by unit walk it). */
  /** The tree in force on `day`, from the places with their days (the last place recorded, for what has none). */
  private treeOn(day: string): { childUnits: Map<string, string[]>; branchesOf: Map<string, string[]> } {
    const kept = this.trees.get(day);
    if (kept) return kept;
    const childUnits = new Map<string, string[]>();
    const branchesOf = new Map<string, string[]>();
    const add = (map: Map<string, string[]>, key: string, id: string) => {
      const list = map.get(key);
      if (list) list.push(id);
      else map.set(key, [id]);
    };
    const parentOn = (key: string, latest: string | null) => {
      const placed = this.placements.get(key);
      return placed ? (placeOn(placed, day)?.parentId ?? null) : latest;
    };
    for (const [unit, parent] of this.units) {
      const on = parentOn(`unit:${unit}`, parent);
      if (on !== null) add(childUnits, on, unit);
    }
    for (const [branchId, b] of this.branches) {
      const on = parentOn(`branch:${branchId}`, b.parentUnitId);
      if (on !== null) add(branchesOf, on, branchId);
    }
    // A few days at most: a new one pushes out the oldest (today's is read again at once if it was).
    if (this.trees.size >= 4) this.trees.delete(this.trees.keys().next().value as string);
    const tree = { childUnits, branchesOf };
    this.trees.set(day, tree);
    return tree;
  }

  knowsBranch(branchId: string): boolean {
    return this.branches.has(branchId);
  }

  /** Every branch this one descends from through mergers and splits, nearest first. */
  /**
   * Whether the branch stood by `day`, as the register knew it at `knownAt` (when given): a read on
   * axes before a merger made it neither shows it nor its predecessors (a probe read them before the
   * merger was recorded).
   */
  branchStoodBy(branchId: string, asOf: AsOf): boolean {
    const b = this.branches.get(branchId);
    return b !== undefined && countsAsOf(asOf, { effectiveDate: b.from, recordedAt: b.recordedAt ?? null });
  }

  /** Whether the unit stood by the day asked, as the register knew it then (one established before this replica kept it is taken as standing). */
  unitStoodBy(unitId: string, asOf: AsOf): boolean {
    const u = this.unitsEstablished.get(unitId);
    return u === undefined || countsAsOf(asOf, { effectiveDate: u.on, recordedAt: u.recordedAt ?? null });
  }

  /** The day a unit was dissolved or merged away, when that was by `day`; undefined while it was open then. */
  unitClosedBy(unitId: string, day: string): string | undefined {
    const on = this.dissolvedOn.has(unitId) ? this.dissolvedOn.get(unitId) : this.mergedOn.get(unitId);
    if (on === undefined && !this.dissolvedOn.has(unitId) && !this.mergedInto.has(unitId)) return undefined;
    return (on ?? '') <= day ? (on ?? 'an unknown day') : undefined;
  }

  /** These units and, for each merged away by `day`, the unit it went into (and on): who holds what they held then. */
  withSuccessors(unitIds: string[], day: string): string[] {
    const found = [...unitIds];
    for (const unitId of unitIds) {
      for (let at = unitId; this.mergedInto.has(at) && (this.mergedOn.get(at) ?? '') <= day && found.length < 128; ) {
        at = this.mergedInto.get(at)!;
        if (!found.includes(at)) found.push(at);
      }
    }
    return found;
  }

  predecessors(branchId: string): string[] {
    const found: string[] = [];
    for (let queue = [...(this.branches.get(branchId)?.predecessorIds ?? [])]; queue.length > 0; ) {
      const id = queue.shift()!;
      if (found.includes(id) || id === branchId) continue;
      found.push(id);
      queue = [...queue, ...(this.branches.get(id)?.predecessorIds ?? [])];
    }
    return found;
  }

  /** Copies of the maps: their entries (facts, lists of stays) are replaced, never changed in place. */
  snapshotState(): SubjectsReplicaState {
    return { units: new Map(this.units), branches: new Map(this.branches), memberStays: new Map(this.memberStays), posts: new Map(this.posts), reparented: new Set(this.reparented), placements: new Map([...this.placements].map(([k, v]) => [k, [...v]])), mergedInto: new Map(this.mergedInto), mergedOn: new Map(this.mergedOn), dissolvedOn: new Map(this.dissolvedOn), unitsEstablished: new Map(this.unitsEstablished) };
  }

  restoreState(state: unknown): void {
    const s = state as SubjectsReplicaState;
    this.units = new Map(s.units);
    this.branches = new Map(s.branches);
    this.memberStays = new Map(s.memberStays);
    this.posts = new Map(s.posts);
    this.reparented = new Set(s.reparented ?? []);
    this.placements = new Map([...(s.placements ?? [])].map(([k, v]) => [k, [...v]]));
    this.mergedInto = new Map(s.mergedInto ?? []);
    this.unitsEstablished = new Map(s.unitsEstablished ?? []);
    this.mergedOn = new Map(s.mergedOn ?? []);
    this.dissolvedOn = new Map(s.dissolvedOn ?? []);
    this.trees.clear();
  }

  /** A place from a day on; a move dated before the thing's first place (a merger recorded late, of a branch made since) stands from that first day. */
  private place(key: string, on: string | null, parentId: string | null) {
    this.trees.clear();
    const placed = this.placements.get(key) ?? [];
    const first = placed[0]?.on ?? null;
    placed.push({ on: on !== null && first !== null && on < first ? first : on, parentId });
    this.placements.set(key, placed);
  }

  private updateBranch(branchId: string, change: (b: BranchFacts) => BranchFacts) {
    const b = this.branches.get(branchId);
    if (b) this.branches.set(branchId, change(b));
  }

  /** Ends the open stay (in `branchId`, when given) on `on`. */
  private end(stays: Map<string, Stay[]>, id: string, on: string, branchId?: string) {
    const list = stays.get(id);
    if (!list) return;
    stays.set(id, list.map((s) => (s.to === null && (branchId === undefined || s.branchId === branchId) ? { ...s, to: on } : s)));
  }

  /** A past period restated (a merger recorded late): the stay in `from` covering it is cut, the period is in `to` (null: in no branch, a dissolution's). */
  private restate(memberId: string, from: string, to: string | null, movedOn: string, until: string) {
    const list = this.memberStays.get(memberId);
    if (!list) return;
    this.memberStays.set(memberId, list.flatMap((s) => {
      const began = s.from ?? '';
      if (s.branchId !== from || s.to !== until || began >= until) return [s];
      const start = began > movedOn ? began : movedOn;
      return [...(began < start ? [{ ...s, to: start }] : []), ...(to ? [{ branchId: to, from: start, to: until }] : [])];
    }));
  }

  /** A move taken back (they left the union on `leftOn`, before it): its stay is dropped, and the stay the move ended ends on their leaving. */
  /** The stay the move began is not theirs; the one it ended (in another branch) ended when they left it, on `leftOn` (the union, or by a transfer recorded just before). */
  private takeBack(memberId: string, from: string, movedOn: string, leftOn: string) {
    const list = (this.memberStays.get(memberId) ?? []).filter((s) => !(s.branchId === from && s.from === movedOn));
    this.memberStays.set(memberId, list.map((s) => (s.branchId !== from && s.to === movedOn ? { ...s, to: leftOn } : s)));
  }

  private endAndStart(stays: Map<string, Stay[]>, id: string, on: string, branchId: string) {
    this.end(stays, id, on);
    stays.set(id, [...(stays.get(id) ?? []), { branchId, from: on, to: null }]);
  }
}
