import { Injectable, Optional } from '@nestjs/common';
import { AsOf, Clock, SnapshotPart } from '@register/service-kit';
import { BranchPeople, DirectoryPeople } from '../domain/branch-people';
import { PeopleHistory, PeopleHistoryState } from './people-history';

export interface OfficerFact {
  memberId: string;
  role: 'secretary' | 'deputy-secretary';
  /** The post's first day: an appointment starting later is not in post yet (docs/effective-dates.md). */
  startsOn: string;
}

export interface RatingFact {
  year: number;
  scale: string;
  grade: string;
}

/** What a reorganisation needs to know of a branch's people, for its dry run. */
export interface PeopleFacts extends BranchPeople {
  membersOf(branchId: string): string[];
  officersOf(branchId: string): OfficerFact[];
  ratingsOf(branchId: string): RatingFact[];
  /** Members in the branch on the day or later who have left it since (PeopleHistory.leftSince). */
  leftSince(branchId: string, day: string): string[];
}

/** A day after every effective date: an instant's read counts every change recorded by then. */
const WHATEVER_ITS_DATE = '9999-12-31';

/** The replica as the embedded start's snapshot keeps it; each member's branch is rebuilt from the branches' members. */
interface PeopleReplicaState {
  members: Map<string, Set<string>>;
  officers: Map<string, OfficerFact[]>;
  ratings: Map<string, RatingFact[]>;
  history: PeopleHistoryState;
}

/**
 * The organisation service's replica of members, officers and ratings per branch. It is fed only by
 * personnel's and evaluation's published events, never by their databases (personnel's through
 * PeopleSyncConsumer); until those services publish, it knows nobody and every figure is zero.
 * The embedded start keeps it across restarts (SnapshotPart).
 */
@Injectable()
export class PeopleReplica implements PeopleFacts, SnapshotPart {
  readonly snapshotName = 'organisation.people-replica';
  /** 2: officers carry their first day (an older snapshot would count a post starting later as held). 3: the history. */
  readonly snapshotVersion = 3;
  /** The people day by day, for reads as of a past day. */
  readonly history = new PeopleHistory();
  private members = new Map<string, Set<string>>();
  /** Each member's branch, so that a member's move costs the same whatever the number of branches. */
  private readonly branchOf = new Map<string, string>();
  private officers = new Map<string, OfficerFact[]>();
  private ratings = new Map<string, RatingFact[]>();

  constructor(@Optional() private readonly clock: Clock = new Clock()) {}

  membersOf(branchId: string): string[] {
    return [...(this.members.get(branchId) ?? [])];
  }
  memberCount(branchId: string): number {
    return this.members.get(branchId)?.size ?? 0;
  }
  officersOf(branchId: string): OfficerFact[] {
    return this.officers.get(branchId) ?? [];
  }
  /** A secretary in post today: one appointed from a later day is not, yet. */
  hasSecretary(branchId: string): boolean {
    const today = this.clock.today();
    return this.officersOf(branchId).some((o) => o.role === 'secretary' && o.startsOn <= today);
  }
  ratingsOf(branchId: string): RatingFact[] {
    return this.ratings.get(branchId) ?? [];
  }

  leftSince(branchId: string, day: string): string[] {
    return this.history.leftSince(branchId, day);
  }

  /** The members arriving in the branch after `day` (PeopleHistory.arrivingAfter). */
  arrivingAfter(branchId: string, day: string): string[] {
    return this.history.arrivingAfter(branchId, day);
  }

  /**
   * The branches' people for the directory's filters: today's (what is in force today: a departure,
   * leaving or transfer dated later is not yet), as of a read's date (with knownAt, as recorded by
   * then), or as of an instant (everything recorded by then, whatever its date, as every read of an
   * instant answers).
   */
  on(asOf: AsOf | undefined): BranchPeople & DirectoryPeople {
    if (!asOf) return this.history.on(this.clock.today());
    if (asOf.kind === 'instant') return this.history.on(WHATEVER_ITS_DATE, asOf.instant.getTime());
    return this.history.on(asOf.date, asOf.knownAt?.getTime());
  }

  /** Copies: a branch's set of members changes in place, the officers' and ratings' lists are replaced. */
  snapshotState(): PeopleReplicaState {
    return { members: new Map([...this.members].map(([b, ids]) => [b, new Set(ids)])), officers: new Map(this.officers), ratings: new Map(this.ratings), history: this.history.state() };
  }

  restoreState(state: unknown): void {
    const s = state as PeopleReplicaState;
    this.members = new Map([...s.members].map(([b, ids]) => [b, new Set(ids)]));
    this.officers = new Map(s.officers);
    this.ratings = new Map(s.ratings);
    this.history.restore(s.history);
    this.branchOf.clear();
    for (const [branchId, ids] of this.members) for (const id of ids) this.branchOf.set(id, branchId);
  }

  /** Replica updates, called by the consumers of personnel's (personnel-events.ts) and evaluation's topics. */
  setMember(branchId: string | null, memberId: string) {
    const before = this.branchOf.get(memberId);
    if (before !== undefined) this.members.get(before)?.delete(memberId);
    if (!branchId) {
      this.branchOf.delete(memberId);
      return;
    }
    this.branchOf.set(memberId, branchId);
    (this.members.get(branchId) ?? this.members.set(branchId, new Set()).get(branchId)!).add(memberId);
  }
  setOfficers(branchId: string, officers: OfficerFact[]) {
    this.officers.set(branchId, officers);
  }
  addRating(branchId: string, rating: RatingFact) {
    this.ratings.set(branchId, [...this.ratingsOf(branchId).filter((r) => r.year !== rating.year), rating]);
  }
}
