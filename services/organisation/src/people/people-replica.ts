import { Injectable } from '@nestjs/common';
import { BranchPeople } from '../domain/branch-people';

export interface OfficerFact {
  memberId: string;
  role: 'secretary' | 'deputy-secretary';
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
}

/**
 * The organisation service's replica of members, officers and ratings per branch. It is fed only by
 * personnel's and evaluation's published events, never by their databases (personnel's through
 * PeopleSyncConsumer); until those services publish, it knows nobody and every figure is zero.
 */
@Injectable()
export class PeopleReplica implements PeopleFacts {
  private readonly members = new Map<string, Set<string>>();
  /** Each member's branch, so that a member's move costs the same whatever the number of branches. */
  private readonly branchOf = new Map<string, string>();
  private readonly officers = new Map<string, OfficerFact[]>();
  private readonly ratings = new Map<string, RatingFact[]>();

  membersOf(branchId: string): string[] {
    return [...(this.members.get(branchId) ?? [])];
  }
  memberCount(branchId: string): number {
    return this.members.get(branchId)?.size ?? 0;
  }
  officersOf(branchId: string): OfficerFact[] {
    return this.officers.get(branchId) ?? [];
  }
  hasSecretary(branchId: string): boolean {
    return this.officersOf(branchId).some((o) => o.role === 'secretary');
  }
  ratingsOf(branchId: string): RatingFact[] {
    return this.ratings.get(branchId) ?? [];
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
