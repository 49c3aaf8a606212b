import { Injectable } from '@nestjs/common';
import { MemberStatus, OrganisationEvent, PersonnelEvent, PostAtEnrolment } from '@register/contracts';
import { AsOf, countsAsOf, SnapshotPart } from '@register/service-kit';
import { ancestry, BranchLife, branchesWithin, Placement, PostSpell, unitsWithin } from '../domain/facts';
import { MemberFact } from '../domain/rules';

/** Another service's event as a consumer hands it over. */
export type FactEvent = { type: string; data: unknown; eventId?: string; metadata?: { effectiveDate?: string }; recordedAt?: Date | string };

/** Statuses in which a member is no longer in a branch of the union. */
const GONE: MemberStatus[] = ['left', 'came-of-age', 'unassigned'];
const AWAY: MemberStatus[] = ['away-work', 'away-study'];

interface MemberRow {
  branchId: string;
  status: MemberStatus;
  erased: boolean;
  /** Absent for members a snapshot of before 6 December 2026 restored: not checked then. */
  admittedOn?: string;
}

/**
 * The facts as the embedded start's snapshot keeps them. A post still held is the same object as its
 * spell (a departure ends both), so it is kept as the spell's index; the units placed are rebuilt.
 */
interface TrainingFactsState {
  placements: Placement[];
  branches: Map<string, BranchLife>;
  spells: PostSpell[];
  members: Map<string, MemberRow>;
  openPosts: Map<string, number[]>;
  /** Absent in a snapshot of before 6 December 2026: the units closed since are known from then on. */
  unitsClosed?: Map<string, string>;
  /** Absent in a snapshot written before compliance asked it (6 December 2026, later): a closure known from then on is taken as recorded. */
  unitsClosedAt?: Map<string, number | null>;
  /** Absent in a snapshot of before 6 December 2026: changes since are known from then on. */
  changes?: Map<string, MemberChange[]>;
  /** Absent in a snapshot of before 6 December 2026: mergers since are known from then on. */
  successorOf?: Map<string, string>;
  /** Absent in a snapshot written before training placed them (6 December 2026, later): dissolutions recorded late since are known from then on. */
  unassignedPeriods?: Map<string, Period[]>;
}

/** Days a member was unassigned after a dissolution recorded late: from `on`, up to (not including) `until`. */
interface Period {
  on: string;
  until: string;
}

/** Where a member stood from a day on: after an admission, a transfer or a status change. */
interface MemberChange {
  on: string;
  branchId: string;
  /** Absent for a transfer, which leaves the status as it was. */
  status?: MemberStatus;
}

/**
 * Training's replica of organisation's tree and personnel's members and posts, fed only by their
 * published events (FactsSyncConsumer), never by a call: what enrolment checks, what compliance
 * counts and where scope is judged. In memory; the consumer replays both topics at each start
 * (unless the embedded start gave the facts back, SnapshotPart, and the topics' tails only); a
 * redelivered event is skipped by the consumers (eventsConsumer), before it reaches the facts.
 */
@Injectable()
export class TrainingFacts implements SnapshotPart {
  readonly snapshotName = 'training.facts';
  /**
   * 2: without the ids of the events seen (the consumers skip a redelivery: eventsConsumer).
   * 3: with the unassigned periods and when each unit's closure was recorded: an older snapshot
   * would never learn those of the events before it, so it is not resumed from (one replay).
   * 4: a member re-homed after a dissolution is active again (an older snapshot kept them unassigned).
   */
  readonly snapshotVersion = 4;
  placements: Placement[] = [];
  branches = new Map<string, BranchLife>();
  spells: PostSpell[] = [];
  private members = new Map<string, MemberRow>();
  /** Each member's posts still held, so that a departure or an enrolment costs the same however many spells history holds. */
  private openPosts = new Map<string, PostSpell[]>();
  /** The units placed so far: whether a unit is known costs the same however large the tree. */
  private units = new Set<string>();
  /** Units dissolved or merged away, with the day. */
  private unitsClosed = new Map<string, string>();
  /** When each closure was recorded: a read as of an earlier instant does not know it. */
  private unitsClosedAt = new Map<string, number | null>();
  /** Each unit merged away, with the unit it was merged into: its courses are its successor's history too. */
  private successors = new Map<string, string>();
  /** Each officer's spells (the same objects as `spells`), for the post held on a past day. */
  private spellsOf = new Map<string, PostSpell[]>();
  /** The branch and status changes of members who had one, their admission first: where they stood on a past day. */
  private changes = new Map<string, MemberChange[]>();
  /**
   * Kept beside the changes, not among them: a period ends at the member's later move, which (a
   * transfer) carries no status to return to.
   */
  private unassignedPeriods = new Map<string, Period[]>();

  apply(event: FactEvent): void {
    const on = event.metadata?.effectiveDate ?? null;
    const at = event.recordedAt === undefined ? null : new Date(event.recordedAt).getTime();
    this.applyOrganisation(event as OrganisationEvent, on, at);
    this.applyPersonnel(event as PersonnelEvent, at);
  }

  private applyOrganisation(e: OrganisationEvent, on: string | null, at: number | null) {
    switch (e.type) {
      case 'UnitEstablished':
        this.units.add(e.data.unitId);
        return this.placements.push({ kind: 'unit', id: e.data.unitId, parentId: e.data.parentId, on, at });
      case 'UnitMoved':
        this.units.add(e.data.unitId);
        return this.placements.push({ kind: 'unit', id: e.data.unitId, parentId: e.data.toParentId, on, at });
      case 'BranchEstablished':
        this.placements.push({ kind: 'branch', id: e.data.branchId, parentId: e.data.parentUnitId, on, at });
        return this.branches.set(e.data.branchId, { branchId: e.data.branchId, residential: e.data.area !== null, establishedOn: on, establishedAt: at, closedOn: null, closedAt: null });
      case 'BranchMoved':
        return this.placements.push({ kind: 'branch', id: e.data.branchId, parentId: e.data.toUnitId, on, at });
      case 'BranchRenamed':
        return this.update(e.data.branchId, { residential: e.data.area !== null });
      case 'BranchDissolved':
        return this.close([e.data.branchId], on, at);
      case 'BranchesMerged':
        return this.close(e.data.sourceBranchIds.filter((id) => id !== e.data.intoBranchId), on, at);
      case 'BranchSplit':
        return this.close([e.data.sourceBranchId], on, at);
      case 'UnitDissolved':
        if (on) this.closeUnit(e.data.unitId, on, at);
        return undefined;
      case 'UnitsMerged':
        for (const id of e.data.sourceUnitIds.filter((u) => u !== e.data.intoUnitId)) {
          if (on) this.closeUnit(id, on, at);
          this.successors.set(id, e.data.intoUnitId);
        }
        return undefined;
      default:
        return undefined;
    }
  }

  private applyPersonnel(e: PersonnelEvent, at: number | null) {
    switch (e.type) {
      case 'MemberAdmitted':
        return this.members.set(e.data.memberId, { branchId: e.data.branchId, status: 'active', erased: false, admittedOn: e.data.admittedOn });
      case 'MemberTransferred': {
        // A member left unassigned by a dissolution is active again in the branch that takes them in,
        // as personnel has it (a probe found them refused every course after: not-an-active-member).
        const rehomed = this.members.get(e.data.memberId)?.status === 'unassigned' ? { status: 'active' as const } : {};
        this.recordChange(e.data.memberId, { on: e.data.transferredOn, branchId: e.data.toBranchId, ...rehomed });
        return this.updateMember(e.data.memberId, { branchId: e.data.toBranchId, ...rehomed });
      }
      case 'MemberMovedForPeriod':
        // A past period (a merger recorded late): standingOn orders changes by day; today's branch stays.
        return this.recordChange(e.data.memberId, { on: e.data.movedOn, branchId: e.data.toBranchId });
      case 'MemberMoveTakenBack':
        // They left the branch before the move (the union, or by a transfer recorded just before): the move is not theirs, and
        // on its day they stay where their own changes put them (a move of theirs recorded later, dated before it, included).
        this.dropChange(e.data.memberId, { on: e.data.movedOn, branchId: e.data.fromBranchId });
        return this.members.get(e.data.memberId)?.branchId === e.data.fromBranchId ? this.updateMember(e.data.memberId, { branchId: e.data.toBranchId }) : undefined;
      case 'MemberUnassignedForPeriod': {
        const periods = this.unassignedPeriods.get(e.data.memberId) ?? [];
        return void this.unassignedPeriods.set(e.data.memberId, [...periods, { on: e.data.on, until: e.data.until }]);
      }
      case 'MemberStatusChanged':
        this.recordChange(e.data.memberId, { on: e.data.changedOn, branchId: e.data.branchId, status: e.data.status });
        return this.updateMember(e.data.memberId, { status: e.data.status, branchId: e.data.branchId });
      case 'MemberPersonalDataErased':
        return this.updateMember(e.data.memberId, { erased: true });
      case 'OfficerAppointed': {
        const spell: PostSpell = { branchId: e.data.branchId, memberId: e.data.memberId, role: e.data.role, startsOn: e.data.startsOn, at, endsOn: null, endedAt: null };
        this.openPosts.set(spell.memberId, [...(this.openPosts.get(spell.memberId) ?? []), spell]);
        this.spellsOf.set(spell.memberId, [...(this.spellsOf.get(spell.memberId) ?? []), spell]);
        return this.spells.push(spell);
      }
      case 'OfficerDeparted': {
        const open = this.openPosts.get(e.data.memberId) ?? [];
        const spell = open.find((s) => s.branchId === e.data.branchId && s.role === e.data.role);
        if (spell) Object.assign(spell, { endsOn: e.data.endsOn, endedAt: at });
        this.openPosts.set(e.data.memberId, open.filter((s) => s !== spell));
        return undefined;
      }
      case 'OfficerDepartureBroughtForward': {
        // The post a reorganisation ended ended earlier: an enrolment of a day between no longer finds it held.
        const spell = (this.spellsOf.get(e.data.memberId) ?? []).findLast((s) => s.branchId === e.data.branchId && s.role === e.data.role && s.endsOn === e.data.previousEndsOn);
        if (spell) Object.assign(spell, { endsOn: e.data.endsOn, endedAt: at });
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** Copies: a spell changes in place when its post ends, the other entries are replaced. */
  snapshotState(): TrainingFactsState {
    const indexOf = new Map(this.spells.map((spell, i) => [spell, i]));
    return {
      placements: [...this.placements],
      branches: new Map(this.branches),
      spells: this.spells.map((spell) => ({ ...spell })),
      members: new Map(this.members),
      openPosts: new Map([...this.openPosts].map(([memberId, open]) => [memberId, open.map((spell) => indexOf.get(spell)!)])),
      unitsClosed: new Map(this.unitsClosed),
      unitsClosedAt: new Map(this.unitsClosedAt),
      changes: new Map([...this.changes].map(([memberId, list]) => [memberId, [...list]])),
      successorOf: new Map(this.successors),
      unassignedPeriods: new Map([...this.unassignedPeriods].map(([memberId, list]) => [memberId, [...list]])),
    };
  }

  restoreState(state: unknown): void {
    const s = state as TrainingFactsState;
    this.placements = [...s.placements];
    this.branches = new Map(s.branches);
    this.spells = s.spells.map((spell) => ({ ...spell }));
    this.members = new Map(s.members);
    this.openPosts = new Map([...s.openPosts].map(([memberId, open]) => [memberId, open.map((i) => this.spells[i])]));
    this.units = new Set(this.placements.filter((p) => p.kind === 'unit').map((p) => p.id));
    this.unitsClosed = new Map(s.unitsClosed ?? []);
    this.unitsClosedAt = new Map(s.unitsClosedAt ?? []);
    this.changes = new Map([...(s.changes ?? [])].map(([memberId, list]) => [memberId, [...list]]));
    this.successors = new Map(s.successorOf ?? []);
    this.unassignedPeriods = new Map([...(s.unassignedPeriods ?? [])].map(([memberId, list]) => [memberId, [...list]]));
    this.spellsOf = new Map();
    for (const spell of this.spells) this.spellsOf.set(spell.memberId, [...(this.spellsOf.get(spell.memberId) ?? []), spell]);
  }

  private close(branchIds: string[], on: string | null, at: number | null) {
    for (const id of branchIds) this.update(id, { closedOn: on, closedAt: at });
  }

  private update(branchId: string, change: Partial<BranchLife>) {
    const b = this.branches.get(branchId);
    if (b) this.branches.set(branchId, { ...b, ...change });
  }

  /** A member's first change also keeps where their admission put them, so that the days before it are known. */
  private recordChange(memberId: string, change: MemberChange) {
    const m = this.members.get(memberId);
    if (!m) return;
    const list = this.changes.get(memberId) ?? [{ on: m.admittedOn ?? '', branchId: m.branchId, status: m.status }];
    list.push(change);
    this.changes.set(memberId, list);
  }

  /** Forgets the change of branch a reorganisation's move made, on its day. */
  private dropChange(memberId: string, move: { on: string; branchId: string }) {
    const list = this.changes.get(memberId);
    const at = list?.findLastIndex((c) => c.on === move.on && c.branchId === move.branchId && c.status === undefined) ?? -1;
    if (at > 0) list!.splice(at, 1);
  }

  /** The member's branch and status on `on`: their changes dated by then, in the order of their days. */
  private standingOn(m: MemberRow, memberId: string, on: string): Pick<MemberRow, 'branchId' | 'status'> {
    const standing = this.changedBy(m, memberId, on);
    const unassigned = (this.unassignedPeriods.get(memberId) ?? []).some((p) => p.on <= on && on < p.until);
    return unassigned ? { ...standing, status: 'unassigned' } : standing;
  }

  private changedBy(m: MemberRow, memberId: string, on: string): Pick<MemberRow, 'branchId' | 'status'> {
    const list = this.changes.get(memberId);
    if (!list) return m;
    const standing = { branchId: list[0].branchId, status: list[0].status ?? m.status };
    // Stable: changes of one day apply in the order recorded.
    for (const c of [...list].sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0))) {
      if (c.on > on) break;
      standing.branchId = c.branchId;
      if (c.status) standing.status = c.status;
    }
    return standing;
  }

  private updateMember(memberId: string, change: Partial<MemberRow>) {
    const m = this.members.get(memberId);
    if (m) this.members.set(memberId, { ...m, ...change });
  }

  knowsUnit(unitId: string): boolean {
    return this.units.has(unitId);
  }

  /** The day a unit was dissolved or merged into another, or null while open (or not known). */
  unitClosedOn(unitId: string): string | null {
    return this.unitsClosed.get(unitId) ?? null;
  }

  /** The day a unit was dissolved or merged into another and when that was recorded (null: not known), or undefined while open. */
  unitClosure(unitId: string): { on: string; at: number | null } | undefined {
    const on = this.unitsClosed.get(unitId);
    return on === undefined ? undefined : { on, at: this.unitsClosedAt.get(unitId) ?? null };
  }

  private closeUnit(unitId: string, on: string, at: number | null) {
    this.unitsClosed.set(unitId, on);
    this.unitsClosedAt.set(unitId, at);
  }

  /** The unit a unit merged away was merged into, if it was. */
  successorOf(unitId: string): string | undefined {
    return this.successors.get(unitId);
  }

  /**
   * The unit open on `today` that holds what a unit closed by then held: its successor (merged) or
   * its parent (dissolved), or theirs; undefined while it is open (or not known), null when none is.
   */
  openUnitOf(unitId: string, today: string): string | null | undefined {
    const closedBy = (id: string) => (this.unitsClosed.get(id) ?? '9999-12-31') <= today;
    if (!closedBy(unitId)) return undefined;
    const seen = new Set<string>();
    for (let at: string | undefined = unitId; at !== undefined && !seen.has(at); at = this.successors.get(at) ?? ancestry(this.placements, at)[1]) {
      seen.add(at);
      if (!closedBy(at)) return at;
    }
    return null;
  }

  /** The day a unit took effect (its first placement), or undefined when not known. */
  unitEstablishedOn(unitId: string): string | null | undefined {
    return this.placements.find((p) => p.kind === 'unit' && p.id === unitId)?.on;
  }

  /** Whether the branch stood by `day`, as the register knew it at `knownAt` (when given). */
  branchStoodBy(branchId: string, asOf: AsOf): boolean {
    const b = this.branches.get(branchId);
    return b !== undefined && countsAsOf(asOf, { effectiveDate: b.establishedOn, recordedAt: b.establishedAt });
  }

  branchStatus(branchId: string): 'active' | 'closed' | 'unknown' {
    const b = this.branches.get(branchId);
    return !b ? 'unknown' : b.closedOn === null ? 'active' : 'closed';
  }

  /**
   * A member as enrolment needs them: their branch, whether still in the union, and the post held
   * now, or on `on` (the enrolment's day, when recorded late): then the post held that day and its
   * branch, or for a member holding none the branch and status of that day.
   */
  member(memberId: string, on?: string): (MemberFact & { post: PostAtEnrolment }) | undefined {
    const now = this.members.get(memberId);
    if (!now) return undefined;
    const m = on === undefined ? now : { ...now, ...this.standingOn(now, memberId, on) };
    const held = on === undefined ? (this.openPosts.get(memberId) ?? []) : (this.spellsOf.get(memberId) ?? []).filter((s) => s.startsOn <= on && (s.endsOn === null || s.endsOn > on));
    const posts = held.map((s) => s.role);
    const post: PostAtEnrolment = posts.includes('secretary') ? 'secretary' : posts.includes('deputy-secretary') ? 'deputy-secretary' : 'none';
    const branchId = on === undefined ? m.branchId : (held.find((s) => s.role === post)?.branchId ?? m.branchId);
    return { memberId, branchId, active: !GONE.includes(m.status), away: AWAY.includes(m.status), post, ...(m.admittedOn ? { admittedOn: m.admittedOn } : {}) };
  }

  erased(memberId: string): boolean {
    return this.members.get(memberId)?.erased ?? false;
  }

  /** The branches in a unit's subtree today (every placement applied). */
  branchesUnder(unitId: string): string[] {
    return branchesWithin(this.placements, unitId);
  }

  /** The unit a branch sits under now (its last placement). */
  branchUnit(branchId: string): string | undefined {
    for (let i = this.placements.length - 1; i >= 0; i--) if (this.placements[i].kind === 'branch' && this.placements[i].id === branchId) return this.placements[i].parentId ?? undefined;
    return undefined;
  }

  /**
   * The unit and every unit under it, as the tree stands now (or stood as of a day, as the register
   * knew it), with the units merged into any of them by then (and theirs): a commune that took over
   * another's branches takes over its courses' history. A district's courses of 2023 asked as of
   * 2023 are its communes' of then, though they moved away since (a probe found them missing).
   */
  unitsUnder(unitId: string, asOf?: AsOf): string[] {
    const placements = asOf === undefined ? this.placements : this.placements.filter((p) => countsAsOf(asOf, { effectiveDate: p.on, recordedAt: p.at }));
    const mergedBy = (u: string) => asOf === undefined || countsAsOf(asOf, { effectiveDate: this.unitsClosed.get(u) ?? null, recordedAt: this.unitsClosedAt.get(u) ?? null });
    const found = new Set(unitsWithin(placements, unitId));
    for (let grew = true; grew; ) {
      grew = false;
      for (const [merged, into] of this.successors) {
        if (!found.has(into) || found.has(merged) || !mergedBy(merged)) continue;
        for (const u of unitsWithin(placements, merged)) found.add(u);
        found.add(merged);
        grew = true;
      }
    }
    return [...found];
  }

  /**
   * The units from this one up to the root, as the tree stands now, and for a unit merged away
   * (or under one) by `day` its successor's too: the officers of both the old and the new structure
   * may read what it organised. A merger dated after `day` is not the successor's yet (a probe saw
   * the receiving commune run a course a month before the merger).
   */
  unitAncestry(unitId: string, day = '9999-12-31'): string[] {
    const chain: string[] = [];
    const queue = [unitId];
    while (queue.length > 0) {
      for (const u of ancestry(this.placements, queue.shift()!)) {
        if (chain.includes(u)) continue;
        chain.push(u);
        const into = this.successors.get(u);
        if (into !== undefined && (this.unitsClosed.get(u) ?? '') <= day) queue.push(into);
      }
    }
    return chain;
  }

}
