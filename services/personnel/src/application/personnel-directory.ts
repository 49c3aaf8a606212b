import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventStore, RecordedEvent, Subscription } from '@register/event-sourcing';
import { AppointmentMethod, DepartureCause, MemberStatus, OfficerRole, OfficerSource, PersonalData, PersonnelEvent } from '@register/contracts';
import { foldDiacritics, normaliseName, searchKey } from '@register/text';
import { IN_UNION } from '../domain/facts';
import { PERSONNEL_STORE } from './tokens';

export interface DirectoryMember {
  id: string;
  branchId: string;
  status: MemberStatus;
  fullName: string | null;
  dateOfBirth: string | null;
  gender: string | null;
  admittedOn: string;
  key: string;
  /** The name in lower case with its diacritics, for queries typed with them. */
  exact: string;
}

export interface PostRow {
  branchId: string;
  memberId: string;
  role: OfficerRole;
  method: AppointmentMethod;
  source: OfficerSource;
  startsOn: string;
  congressDeadline: string | null;
  endsOn: string | null;
  cause: DepartureCause | null;
}

export interface DirectoryQuery {
  q?: string;
  branchId?: string;
  status?: MemberStatus;
}

/**
 * The read side, for now: an in-memory projection fed by a catch-up subscription to personnel's own
 * log (members by branch, current officers per branch, the member directory). Reads may lag the
 * log by a moment; `waitFor(position)` serves `minPosition`.
 */
@Injectable()
export class PersonnelDirectory implements OnModuleInit, OnModuleDestroy {
  private readonly members = new Map<string, DirectoryMember>();
  /** Every post ever held, per branch, oldest first (the careers and the vacancies read it). */
  private readonly posts = new Map<string, PostRow[]>();
  private subscription?: Subscription;
  private position = 0;
  private waiters: Array<{ position: number; resolve: () => void }> = [];

  constructor(@Inject(PERSONNEL_STORE) private readonly store: EventStore) {}

  onModuleInit() {
    this.subscription = this.store.subscribe(0, (e) => this.apply(e), { pollMs: 100 });
  }

  async onModuleDestroy() {
    await this.subscription?.stop();
  }

  /** Folds one event of the personnel log (exposed for tests and rebuilds). */
  apply(event: RecordedEvent): void {
    const e = event as unknown as PersonnelEvent;
    switch (e.type) {
      case 'MemberAdmitted': {
        const p = plain(e.data.personal);
        this.members.set(e.data.memberId, {
          id: e.data.memberId,
          branchId: e.data.branchId,
          status: 'active',
          fullName: p?.fullName ?? null,
          dateOfBirth: p?.dateOfBirth ?? null,
          gender: p?.gender ?? null,
          admittedOn: e.data.admittedOn,
          key: searchKey(p?.fullName),
          exact: exactKey(p?.fullName),
        });
        break;
      }
      case 'MemberPersonalDataCorrected': {
        const m = this.members.get(e.data.memberId);
        const p = plain(e.data.personal);
        if (m) this.members.set(m.id, { ...m, fullName: p?.fullName ?? null, dateOfBirth: p?.dateOfBirth ?? null, gender: p?.gender ?? null, key: searchKey(p?.fullName), exact: exactKey(p?.fullName) });
        break;
      }
      case 'MemberPersonalDataErased':
        this.patch(e.data.memberId, () => ({ fullName: null, dateOfBirth: null, gender: null, key: '', exact: '' }));
        break;
      case 'MemberTransferred':
        this.patch(e.data.memberId, (m) => ({ branchId: e.data.toBranchId, status: m.status === 'unassigned' ? 'active' : m.status }));
        break;
      case 'MemberStatusChanged':
        this.patch(e.data.memberId, () => ({ status: e.data.status }));
        break;
      case 'OfficerAppointed': {
        const { branchId, memberId, role, method, source, startsOn, congressDeadline } = e.data;
        this.posts.set(branchId, [...(this.posts.get(branchId) ?? []), { branchId, memberId, role, method, source, startsOn, congressDeadline: congressDeadline ?? null, endsOn: null, cause: null }]);
        break;
      }
      case 'OfficerDeparted': {
        const list = this.posts.get(e.data.branchId) ?? [];
        this.posts.set(
          e.data.branchId,
          list.map((p) => (p.memberId === e.data.memberId && p.role === e.data.role && p.endsOn === null ? { ...p, endsOn: e.data.endsOn, cause: e.data.cause } : p)),
        );
        break;
      }
      default:
        break;
    }
    this.position = Math.max(this.position, event.position);
    this.waiters = this.waiters.filter((w) => (w.position <= this.position ? (w.resolve(), false) : true));
  }

  private patch(memberId: string, change: (m: DirectoryMember) => Partial<DirectoryMember>) {
    const m = this.members.get(memberId);
    if (m) this.members.set(memberId, { ...m, ...change(m) });
  }

  /** Members in the union whose home branch this is (unassigned, came-of-age and left excluded). */
  membersOf(branchId: string): string[] {
    return [...this.members.values()].filter((m) => m.branchId === branchId && IN_UNION.includes(m.status) && m.status !== 'unassigned').map((m) => m.id);
  }

  memberCount(branchId: string): number {
    return this.membersOf(branchId).length;
  }

  /** The posts held now in a branch. */
  officersOf(branchId: string): PostRow[] {
    return (this.posts.get(branchId) ?? []).filter((p) => p.endsOn === null);
  }

  /** Every post of a branch, held now or before. */
  postsOf(branchId: string): PostRow[] {
    return this.posts.get(branchId) ?? [];
  }

  /** One member's career as an officer: every post, in any branch, oldest first. */
  careerOf(memberId: string): PostRow[] {
    return [...this.posts.values()].flat().filter((p) => p.memberId === memberId).sort((a, b) => a.startsOn.localeCompare(b.startsOn));
  }

  /** Every post held now, in every branch. */
  currentPosts(): PostRow[] {
    return [...this.posts.values()].flat().filter((p) => p.endsOn === null);
  }

  member(memberId: string): DirectoryMember | undefined {
    return this.members.get(memberId);
  }

  /**
   * The directory, sorted by folded name then id. `q` typed without diacritics matches any
   * accented form ("thi huong" finds Hương and Hường); typed with them, it matches them exactly.
   */
  search(query: DirectoryQuery): DirectoryMember[] {
    const folded = query.q ? foldDiacritics(query.q) : undefined;
    const exact = query.q ? exactKey(query.q) : undefined;
    const accented = exact !== undefined && exact !== folded;
    const matches = (m: DirectoryMember) => !folded || (accented ? m.exact.includes(exact!) : m.key.includes(folded));
    return [...this.members.values()]
      .filter((m) => (!query.branchId || m.branchId === query.branchId) && (!query.status || m.status === query.status) && matches(m))
      .sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  }

  /** Resolves once the projection has applied the event at `position`, or after `timeoutMs`. */
  waitFor(position: number, timeoutMs = 2000): Promise<void> {
    if (position <= this.position) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push({ position, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  /** Resolves once everything the log held when called has been applied. */
  async caughtUp(timeoutMs = 5000): Promise<void> {
    await this.waitFor(await this.store.headPosition(), timeoutMs);
  }
}

const exactKey = (name: string | undefined | null) => normaliseName(name ?? '').toLocaleLowerCase('vi');

export const sortKey = (m: DirectoryMember) => `${m.key}\u0000${m.id}`;

const plain = (p: unknown): PersonalData | null => (p && typeof p === 'object' && 'fullName' in p ? (p as PersonalData) : null);
