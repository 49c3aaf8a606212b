import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { EventStore, foldRecorded, RecordedEvent, SnapshotCodec, SnapshotStore, Snapshots, Subscription } from '@register/event-sourcing';
import { branchOfficersStream, MemberStatus, OfficerRole, PersonnelEvent } from '@register/contracts';
import { ReadModelBehind } from '@register/read-models';
import { FINGERPRINT_SECRET, SnapshotPart } from '@register/service-kit';
import { BranchOfficers, branchOfficersAggregate } from '../domain/branch-officers';
import { IN_UNION, PostHeld } from '../domain/facts';
import { KeyVault } from '@register/personal-data';
import { NamesakeIndex, NamesakeIndexData, NamesakeIndexJson } from './namesake-index';
import { PERSONNEL_KEYS, PERSONNEL_SNAPSHOTS, PERSONNEL_STORE } from './tokens';


/** How long a start waits for the view to read the log before it serves anyway (commands then wait, or 503). */
const START_CATCH_UP_MS = 120_000;
/** Pause before following the log again after the subscription failed (the database away). */
const FOLLOW_AGAIN_MS = 1000;
/** What the write side knows of a member besides their stream: no personal data. */
export interface ViewMember {
  id: string;
  branchId: string;
  status: MemberStatus;
  /**
   * The latest effective date of a change to the member's branch or status recorded ahead of its
   * day (a transfer dated next month): until then the branch and status here are not yet today's.
   * Absent for the usual member, whose changes all took effect when recorded or before.
   */
  settledOn?: string;
  /** The branches the member was moved out of (transfers, mergers, splits), oldest first; absent for a member never moved. */
  formerBranchIds?: string[];
  /** Where the member lives and also takes part, when not the home branch; absent when none. */
  residentialBranchId?: string;
  /**
   * The branches of their commune the member was sent to lead while a member of another (source
   * commune-administrative-branch), oldest first; absent for a member never so appointed. Their
   * posts there hold a transfer, a leaving or a going away as those in their own branch do.
   */
  ledBranchIds?: string[];
}

/** A post held now. */
export interface HeldPost {
  branchId: string;
  memberId: string;
  role: OfficerRole;
}

interface DirectoryState {
  members: Map<string, ViewMember>;
  posts: Map<string, HeldPost[]>;
  namesakes: { toJSON(): NamesakeIndexJson | undefined };
  placed: Map<string, Set<string>>;
  erased: Set<string>;
}

/** The view as the embedded start's snapshot keeps it: everything, the order of each branch's members and each namesake's slot included. */
interface DirectoryPartState {
  position: number;
  members: Map<string, ViewMember>;
  byBranch: Map<string, string[]>;
  posts: Map<string, HeldPost[]>;
  namesakes: NamesakeIndexData;
  /** @2: branch id → every member ever placed there. */
  placed: Map<string, string[]>;
  /** @3: the members whose personal data was erased. */
  erased: string[];
}

/** The view as JSON, for its snapshots; the index by branch is rebuilt from the members, the namesakes' from their keyed hashes. */
const codec: SnapshotCodec<DirectoryState> = {
  encode: (s) => ({ members: [...s.members.values()], posts: [...s.posts], namesakes: s.namesakes.toJSON(), placed: [...s.placed].map(([branchId, ids]) => [branchId, [...ids]]), erased: [...s.erased] }),
  decode: (json) => {
    const j = json as { members: ViewMember[]; posts: Array<[string, HeldPost[]]>; namesakes?: NamesakeIndexJson; placed: Array<[string, string[]]>; erased: string[] };
    return { members: new Map(j.members.map((m) => [m.id, m])), posts: new Map(j.posts), namesakes: { toJSON: () => j.namesakes }, placed: new Map(j.placed.map(([branchId, ids]) => [branchId, new Set(ids)])), erased: new Set(j.erased) };
  },
};

/** `formerBranchIds` once the member moves to `to`: their branch joins the list (once). */
function movedOutOf(m: ViewMember, to: string): Pick<ViewMember, 'formerBranchIds'> {
  const former = m.formerBranchIds ?? [];
  return m.branchId === to || former.includes(m.branchId) ? (m.formerBranchIds ? { formerBranchIds: former } : {}) : { formerBranchIds: [...former, m.branchId] };
}

/** `ledBranchIds` once the member is appointed in `branchId`: a branch not their own joins the list (once). */
function appointedIn(m: ViewMember, branchId: string): Pick<ViewMember, 'ledBranchIds'> {
  const led = m.ledBranchIds ?? [];
  return m.branchId === branchId || led.includes(branchId) ? (m.ledBranchIds ? { ledBranchIds: led } : {}) : { ledBranchIds: [...led, branchId] };
}

/** `settledOn` after `event`: its effective date when it was recorded ahead of that day, else the member's as it was. */
function ahead(event: RecordedEvent, before?: ViewMember): Pick<ViewMember, 'settledOn'> {
  const on = event.metadata.effectiveDate;
  const later = on > event.recordedAt.slice(0, 10) && !(before?.settledOn && before.settledOn >= on) ? on : before?.settledOn;
  return later ? { settledOn: later } : {};
}

/** The branches' officers read for one batch of commands, by branch (PersonnelDirectory.postsHeldBy). */
export type OfficersReads = Map<string, Promise<BranchOfficers>>;

/**
 * The write side's view of personnel's own log, in this process: each member's branch and status,
 * the posts held now per branch, and who could be the same person (NamesakeIndex: keyed hashes of
 * name and date of birth, never a name). Only what commands need and no reader sees: the member count
 * of the one-deputy rule (appointments), the members and officers of a branch that merges, splits
 * or is dissolved (OrganisationReactions), a member's branch for the gateway's scope check, the
 * possible-duplicate check of an admission (AdmitMemberHandler). The
 * reads of the API come from the read models (member-directory, officer-posts, personnel-reports).
 *
 * Why not the read models: a rule must be decided on the whole log as it stands, not on a copy
 * that may lag or whose store (MongoDB) may be away. Before a decision, `caughtUp` waits until
 * this view has applied everything the log held when asked, and refuses (503, or a retry of the
 * reaction) rather than decide on a stale view.
 *
 * Embedded, the view is also a part of the start's snapshot (SnapshotPart): given back before the
 * start, it follows the log from the position it had then, and its own snapshot is not read.
 *
 * Erasures: every instance's view applies every MemberPersonalDataErased, and tells its vault
 * (KeyVault.erased), so that this instance no longer opens the member's key even if another
 * instance took the erasure, and the key row is shredded (again, idempotently) if the instance that
 * took it failed to. A start given a snapshot tells the vault of every erasure the snapshot holds
 * (one statement for the rows still live), so an erasure applied before a crash is not forgotten.
 */
@Injectable()
export class PersonnelDirectory implements OnModuleInit, OnModuleDestroy, SnapshotPart {
  readonly snapshotName = 'personnel.directory';
  /** 5: the namesakes' keys take one tone placement (hòa and hoà are one name). 6: members' `settledOn`. 7: their `formerBranchIds`. 9: their `ledBranchIds`. */
  readonly snapshotVersion = 9;
  /** Fed from personnel's own log: a distributed consumer group's snapshot leaves it out. */
  readonly ownLog = true;
  private members = new Map<string, ViewMember>();
  private posts = new Map<string, HeldPost[]>();
  /** branch id → ids of the members whose home branch it is, so that a branch's count costs its own members only. */
  private byBranch = new Map<string, Set<string>>();
  /** The members affiliated where they live, by that branch (few: rebuilt from the members at a start). */
  private residents = new Map<string, Set<string>>();
  /**
   * branch id → every member ever placed there (admitted, transferred in, moved by a merger or a
   * split: each is a MemberAdmitted or MemberTransferred), never removed: the candidates of an
   * `asOf` member list of those branches, whose streams alone are then read (MemberListAsOf).
   */
  private placed = new Map<string, Set<string>>();
  /** The members whose personal data was erased (few). */
  private erased = new Set<string>();
  /** Told the stream of every event the view applies (MemberStreams forgets what it kept of it). */
  private readonly appliedListeners: Array<(streamId: string) => void> = [];
  /** Whether the embedded start gave the view back (restoreState): then it does not read its own snapshot. */
  private restored = false;
  private subscription?: Subscription;
  private stopped = false;
  private position = 0;
  private waiters: Array<{ position: number; resolve: () => void }> = [];
  private readonly snapshots: Snapshots<DirectoryState>;
  private readonly logger = new Logger('PersonnelDirectory');
  readonly namesakes: NamesakeIndex;

  constructor(
    @Inject(PERSONNEL_STORE) private readonly store: EventStore,
    @Optional() @Inject(PERSONNEL_SNAPSHOTS) snapshotStore?: SnapshotStore,
    @Optional() @Inject(FINGERPRINT_SECRET) secret?: string,
    @Optional() @Inject(PERSONNEL_KEYS) private readonly keys?: KeyVault | null,
  ) {
    this.namesakes = new NamesakeIndex(secret);
    // @2: with the namesake index; a snapshot of @1 has none, so the view replays the log once.
    // @3: with the members ever placed in each branch, which an older snapshot cannot give.
    // @4: with the erased members, so that a start shreds any key row an erasure left live.
    // @5: with the members' national ID numbers (keyed), which an older snapshot cannot give.
    // @6: the namesakes' keys with one tone placement (hòa and hoà): an older snapshot's keys would not match.
    // @8: the namesakes' keys of the letters seen (a Cyrillic "А" is the Latin one: namesakeKey).
    // @9: with the branches each member was moved out of, whose posts a dated status change must see.
    // @10: with the branches each member was sent to lead (ledBranchIds), whose posts a change to them must see.
    this.snapshots = new Snapshots(snapshotStore, 'personnel.directory@10', codec, undefined, (e) => this.logger.warn(`a snapshot of the directory was not saved: ${e.message}`));
  }

  /** Resumes from the last snapshot (when the log still reaches it), then follows the log. */
  async onModuleInit() {
    const snapshot = this.restored ? undefined : await this.snapshots.restore();
    const resumable = snapshot && snapshot.position <= (await this.store.headPosition()) && this.namesakes.accepts(snapshot.state.namesakes.toJSON());
    if (resumable) this.resumeFrom(snapshot.position, snapshot.state);
    this.follow();
    // The service takes commands once the view has read the log as it stood at start: a replay
    // (no snapshot, another key) would otherwise answer the first admissions 503.
    const head = await this.store.headPosition();
    if (!(await this.waitFor(head, START_CATCH_UP_MS))) this.logger.warn(`the directory is still reading the log (at ${this.position} of ${head}); commands wait for it`);
  }

  async onModuleDestroy() {
    this.stopped = true;
    await this.subscription?.stop();
    if (this.position > 0) await this.snapshots.flush(this.position, this.state());
  }

  /**
   * Follows the log from where the view is. A subscription that fails (PostgreSQL restarted) is
   * followed again after a pause: unheard, its failure ended the process, and the view stopped.
   */
  private follow(): void {
    if (this.stopped) return;
    const subscription = this.store.subscribe(this.position, (e) => this.apply(e), { pollMs: 100 });
    this.subscription = subscription;
    subscription.done.catch((error: Error) => {
      if (this.stopped || this.subscription !== subscription) return;
      this.logger.warn(`the directory stopped reading the log (${error.message}); reading on from ${this.position}`);
      setTimeout(() => this.follow(), FOLLOW_AGAIN_MS).unref();
    });
  }

  /** Copies (a branch's set of members and the namesakes' slots change in place; members and posts are replaced). */
  snapshotState(): DirectoryPartState {
    const byBranch = new Map([...this.byBranch].map(([branchId, ids]) => [branchId, [...ids]]));
    const placed = new Map([...this.placed].map(([branchId, ids]) => [branchId, [...ids]]));
    return { position: this.position, members: new Map(this.members), byBranch, posts: new Map(this.posts), namesakes: this.namesakes.snapshotData(), placed, erased: [...this.erased] };
  }

  /**
   * Before the view follows the log (onModuleInit). A view taken under another fingerprint key is
   * not given back: the namesakes' hashes would not match, so this view reads its log from the start.
   */
  restoreState(state: unknown): void {
    if (this.subscription || this.position > 0) throw new Error('the personnel directory is restored before it follows its log, not after');
    const s = state as DirectoryPartState;
    if (!this.namesakes.accepts(s.namesakes)) {
      this.logger.warn('the snapshot of the directory was taken under another fingerprint key: the directory reads its log from the start');
      return;
    }
    this.members = new Map(s.members);
    this.byBranch = new Map([...s.byBranch].map(([branchId, ids]) => [branchId, new Set(ids)]));
    this.posts = new Map(s.posts);
    this.placed = new Map([...s.placed].map(([branchId, ids]) => [branchId, new Set(ids)]));
    this.namesakes.restoreData(s.namesakes);
    this.restoreErased(s.erased);
    this.indexResidents();
    this.position = s.position;
    this.restored = true;
  }

  private resumeFrom(position: number, state: DirectoryState) {
    this.members = state.members;
    this.posts = state.posts;
    this.placed = state.placed;
    for (const m of this.members.values()) this.index(m.id, undefined, m.branchId);
    this.indexResidents();
    this.namesakes.restore(state.namesakes.toJSON()!, (id) => this.members.get(id)?.branchId);
    this.restoreErased(state.erased);
    this.position = position;
  }

  /** The erasures a snapshot holds: each key a tombstone here, and any row still live shredded. */
  private restoreErased(ids: Iterable<string>) {
    this.erased = new Set(ids);
    for (const id of this.erased) this.keys?.erased(id);
  }

  private state(): DirectoryState {
    return { members: this.members, posts: this.posts, namesakes: this.namesakes, placed: this.placed, erased: this.erased };
  }

  private indexResidents() {
    this.residents = new Map();
    for (const m of this.members.values()) if (m.residentialBranchId !== undefined) this.indexResident(m.id, undefined, m.residentialBranchId);
  }

  private indexResident(memberId: string, from: string | undefined, to: string | undefined) {
    if (from === to) return;
    if (from !== undefined) this.residents.get(from)?.delete(memberId);
    if (to !== undefined) (this.residents.get(to) ?? this.residents.set(to, new Set()).get(to)!).add(memberId);
  }

  private index(memberId: string, from: string | undefined, to: string | undefined) {
    if (from === to) return;
    if (from !== undefined) this.byBranch.get(from)?.delete(memberId);
    if (to !== undefined) (this.byBranch.get(to) ?? this.byBranch.set(to, new Set()).get(to)!).add(memberId);
  }

  /** Folds one event of the personnel log (exposed for tests). */
  apply(event: RecordedEvent): void {
    const e = event as unknown as PersonnelEvent;
    switch (e.type) {
      case 'MemberAdmitted':
        this.put({ id: e.data.memberId, branchId: e.data.branchId, status: 'active', ...ahead(event) });
        this.place(e.data.memberId, e.data.branchId);
        this.namesakes.keyed(e.data.memberId, e.data.branchId, e.data.personal);
        break;
      case 'MemberPersonalDataCorrected':
        this.withBranch(e.data.memberId, (branchId) => this.namesakes.keyed(e.data.memberId, branchId, e.data.personal));
        break;
      case 'MemberPersonalDataErased':
        this.erased.add(e.data.memberId);
        this.keys?.erased(e.data.memberId);
        this.withBranch(e.data.memberId, (branchId) => this.namesakes.erased(e.data.memberId, branchId));
        break;
      case 'MemberTransferred':
        this.patch(e.data.memberId, (m) => ({ branchId: e.data.toBranchId, status: m.status === 'unassigned' ? 'active' : m.status, ...ahead(event, m), ...movedOutOf(m, e.data.toBranchId) }));
        this.place(e.data.memberId, e.data.toBranchId);
        break;
      case 'MemberMovedForPeriod':
        this.place(e.data.memberId, e.data.toBranchId);
        break;
      case 'MemberMoveTakenBack':
        // They left the branch before the move (the union, or by a transfer, which placed them already): they stay in toBranchId.
        this.patch(e.data.memberId, (m) => (m.branchId === e.data.fromBranchId ? { branchId: e.data.toBranchId } : {}));
        break;
      case 'MemberStatusChanged':
        this.patch(e.data.memberId, (m) => ({ status: e.data.status, ...ahead(event, m) }));
        break;
      case 'MemberResidentialAffiliationSet': {
        const before = this.members.get(e.data.memberId)?.residentialBranchId;
        this.patch(e.data.memberId, () => ({ residentialBranchId: e.data.branchId ?? undefined }));
        if (this.members.has(e.data.memberId)) this.indexResident(e.data.memberId, before, e.data.branchId ?? undefined);
        break;
      }
      case 'OfficerAppointed': {
        const { branchId, memberId, role } = e.data;
        this.posts.set(branchId, [...(this.posts.get(branchId) ?? []), { branchId, memberId, role }]);
        this.patch(memberId, (m) => appointedIn(m, branchId));
        break;
      }
      case 'OfficerDeparted': {
        const { branchId, memberId, role } = e.data;
        this.posts.set(branchId, (this.posts.get(branchId) ?? []).filter((p) => !(p.memberId === memberId && p.role === role)));
        break;
      }
      default:
        break;
    }
    for (const listener of this.appliedListeners) listener(event.streamId);
    this.position = Math.max(this.position, event.position);
    this.snapshots.applied(this.position, this.state());
    this.waiters = this.waiters.filter((w) => (w.position <= this.position ? (w.resolve(), false) : true));
  }

  private put(m: ViewMember) {
    const before = this.members.get(m.id)?.branchId;
    this.index(m.id, before, m.branchId);
    if (before !== undefined) this.namesakes.moved(m.id, before, m.branchId);
    this.members.set(m.id, m);
  }

  private place(memberId: string, branchId: string) {
    (this.placed.get(branchId) ?? this.placed.set(branchId, new Set()).get(branchId)!).add(memberId);
  }

  private withBranch(memberId: string, then: (branchId: string) => void) {
    const m = this.members.get(memberId);
    if (m) then(m.branchId);
  }

  private patch(memberId: string, change: (m: ViewMember) => Partial<ViewMember>) {
    const m = this.members.get(memberId);
    if (m) this.put({ ...m, ...change(m) });
  }

  /** `listener` hears the stream of each event applied from now on, before a `caughtUp` that waits for it resolves. */
  onApplied(listener: (streamId: string) => void): void {
    this.appliedListeners.push(listener);
  }

  /** Members in the union whose home branch this is (unassigned, came-of-age and left excluded). */
  membersOf(branchId: string): string[] {
    const ids = [...(this.byBranch.get(branchId) ?? [])];
    return ids.filter((id) => {
      const m = this.members.get(id)!;
      return IN_UNION.includes(m.status) && m.status !== 'unassigned';
    });
  }

  /** Members in the union who take part in this branch where they live (a residential affiliation), their home branch being another. */
  residentsOf(branchId: string): string[] {
    return [...(this.residents.get(branchId) ?? [])].filter((id) => IN_UNION.includes(this.members.get(id)!.status));
  }

  /** Members whose home branch this is who have left the union (came-of-age, left). */
  leftUnionFrom(branchId: string): string[] {
    return [...(this.byBranch.get(branchId) ?? [])].filter((id) => !IN_UNION.includes(this.members.get(id)!.status));
  }

  /** Every member ever placed in any of these branches, whatever their branch or status now (the view as far as it has read the log: see caughtUp). */
  placedIn(branchIds: Iterable<string>): string[] {
    const ids = new Set<string>();
    for (const branchId of branchIds) for (const id of this.placed.get(branchId) ?? []) ids.add(id);
    return [...ids];
  }

  /** Members once placed in the branch whose home branch it is no longer: a reorganisation recorded late may restate their past. */
  formerMembersOf(branchId: string): string[] {
    const home = this.byBranch.get(branchId);
    return [...(this.placed.get(branchId) ?? [])].filter((id) => !home?.has(id));
  }

  memberCount(branchId: string): number {
    return this.membersOf(branchId).length;
  }

  /**
   * The branch's members on `day`, without those whose admission, transfer in or return takes
   * effect after it: a rule counting members counts those there then (a probe's admission typed
   * "2200" made an 8-member branch count 9, and its deputies unlimited). A member leaving after the
   * day is not counted either: the count never exceeds who was there.
   */
  memberCountOn(branchId: string, day: string): number {
    return this.membersOf(branchId).filter((id) => (this.members.get(id)!.settledOn ?? '') <= day).length;
  }

  /** The posts held now in a branch. */
  officersOf(branchId: string): HeldPost[] {
    return this.posts.get(branchId) ?? [];
  }

  /**
   * The posts the member holds now, in their branch or one they were sent to lead, once the view
   * has applied what the log held (a decision's fact: member-holds-post); with `from` (a change's
   * day), those held on that day or later, in those branches or one they have since been moved out
   * of, read from the branches' officers (a departure recorded already, dated after the change,
   * leaves the post held on the change's day: a transfer or a leaving dated then would make an
   * officer of a member of another branch, or of none).
   */
  async postsHeldBy(memberId: string, from?: string, read: OfficersReads = new Map()): Promise<PostHeld[]> {
    await this.caughtUp(1000);
    const member = this.members.get(memberId);
    if (!member) return [];
    const theirs = new Set([...(member.formerBranchIds ?? []), member.branchId]);
    const sent = (member.ledBranchIds ?? []).filter((b) => !theirs.has(b));
    const mark = (posts: PostHeld[], branchId: string) => (sent.includes(branchId) ? posts.map((p) => ({ ...p, sent: true as const })) : posts);
    if (from === undefined) {
      return [member.branchId, ...sent].flatMap((b) => mark(this.officersOf(b).filter((p) => p.memberId === memberId).map((p) => ({ branchId: p.branchId, role: p.role })), b));
    }
    // A post in a branch the member has since left (a merger ended it on its day) may still be held on `from`.
    const held = await Promise.all([...theirs, ...sent].map(async (branchId) => mark(await this.postsIn(branchId, memberId, from, read), branchId)));
    return held.flat();
  }

  /** The member's posts in the branch held on `from` or later; a batch's members share branches, each branch's officers read once for the batch (`read`). */
  private async postsIn(branchId: string, memberId: string, from: string, read: OfficersReads): Promise<PostHeld[]> {
    if (!read.has(branchId)) read.set(branchId, this.store.readStream(branchOfficersStream(branchId)).then((events) => foldRecorded(branchOfficersAggregate, events)));
    const officers = await read.get(branchId)!;
    return officers.history.filter((p) => p.memberId === memberId && (p.endsOn === undefined || p.endsOn > from)).map((p) => ({ branchId, role: p.role, ...(p.endsOn ? { until: p.endsOn } : {}) }));
  }

  member(memberId: string): ViewMember | undefined {
    return this.members.get(memberId);
  }

  /** Whether the member's personal data was erased (as far as the view has read the log). */
  isErased(memberId: string): boolean {
    return this.erased.has(memberId);
  }

  /** True once the view has applied the event at `position`; false after `timeoutMs`. */
  waitFor(position: number, timeoutMs = 2000): Promise<boolean> {
    if (position <= this.position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter = { position, resolve: () => (clearTimeout(timer), resolve(true)) };
      this.waiters.push(waiter);
    });
  }

  /** Resolves once everything the log held when called (or up to `upTo`) has been applied; a ReadModelBehind (503) if not within `timeoutMs`. */
  async caughtUp(timeoutMs = 5000, upTo?: number): Promise<void> {
    const head = upTo ?? (await this.store.headPosition());
    if (!(await this.waitFor(head, timeoutMs))) throw new ReadModelBehind('personnel write-side view', head, this.position);
  }
}
