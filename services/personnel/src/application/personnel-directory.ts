import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventStore, RecordedEvent, Subscription } from '@register/event-sourcing';
import { MemberStatus, OfficerRole, PersonalData, PersonnelEvent } from '@register/contracts';
import { foldDiacritics, searchKey } from '@register/text';
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
  private readonly officers = new Map<string, Array<{ memberId: string; role: OfficerRole; startsOn: string }>>();
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
        });
        break;
      }
      case 'MemberPersonalDataCorrected': {
        const m = this.members.get(e.data.memberId);
        const p = plain(e.data.personal);
        if (m) this.members.set(m.id, { ...m, fullName: p?.fullName ?? null, dateOfBirth: p?.dateOfBirth ?? null, gender: p?.gender ?? null, key: searchKey(p?.fullName) });
        break;
      }
      case 'MemberTransferred':
        this.patch(e.data.memberId, (m) => ({ branchId: e.data.toBranchId, status: m.status === 'unassigned' ? 'active' : m.status }));
        break;
      case 'MemberStatusChanged':
        this.patch(e.data.memberId, () => ({ status: e.data.status }));
        break;
      case 'OfficerAppointed': {
        const list = this.officers.get(e.data.branchId) ?? [];
        this.officers.set(e.data.branchId, [...list, { memberId: e.data.memberId, role: e.data.role, startsOn: e.data.startsOn }]);
        break;
      }
      case 'OfficerDeparted': {
        const list = this.officers.get(e.data.branchId) ?? [];
        this.officers.set(
          e.data.branchId,
          list.filter((o) => !(o.memberId === e.data.memberId && o.role === e.data.role)),
        );
        break;
      }
      default:
        break;
    }
    this.position = Math.max(this.position, event.position);
    this.waiters = this.waiters.filter((w) => (w.position <= this.position ? (w.resolve(), false) : true));
  }

  /** Members in the union whose home branch this is (unassigned, came-of-age and left excluded). */
  membersOf(branchId: string): string[] {
    return [...this.members.values()].filter((m) => m.branchId === branchId && IN_UNION.includes(m.status) && m.status !== 'unassigned').map((m) => m.id);
  }

  memberCount(branchId: string): number {
    return this.membersOf(branchId).length;
  }

  officersOf(branchId: string): Array<{ memberId: string; role: OfficerRole }> {
    return this.officers.get(branchId) ?? [];
  }

  /** The directory, sorted by folded name then id: `q` matches with or without diacritics. */
  search(query: DirectoryQuery): DirectoryMember[] {
    const q = query.q ? foldDiacritics(query.q) : undefined;
    return [...this.members.values()]
      .filter((m) => (!query.branchId || m.branchId === query.branchId) && (!query.status || m.status === query.status) && (!q || m.key.includes(q)))
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

export const sortKey = (m: DirectoryMember) => `${m.key}\u0000${m.id}`;

const plain = (p: unknown): PersonalData | null => (p && typeof p === 'object' && 'fullName' in p ? (p as PersonalData) : null);
