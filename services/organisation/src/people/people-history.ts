import { BranchPeople, DirectoryPeople } from '../domain/branch-people';

/**
 * A member placed in a branch (or out of every branch: `null`) from `day`, as recorded at `recorded`
 * (ms). `forgotten`: the placements of that day recorded before are not theirs (a reorganisation's
 * move taken back); on it the member stays where an earlier day put them.
 */
interface Placement {
  day: string;
  recorded: number;
  branchId: string | null;
  forgotten?: true;
}

/**
 * A post held from `startsOn`; `endsOn` (the first day no longer held) once its departure is
 * recorded; `earlierEnd` once a departure before that end is recorded (OfficerDepartureBroughtForward).
 */
interface Post {
  memberId: string;
  role: string;
  startsOn: string;
  recorded: number;
  endsOn?: string;
  endRecorded?: number;
  earlierEnd?: { endsOn: string; recorded: number };
}

/** What PeopleHistory keeps, for the snapshot (Maps and arrays: what node:v8 serialises). */
export interface PeopleHistoryState {
  placements: Map<string, Placement[]>;
  posts: Map<string, Post[]>;
}

/**
 * Who was in which branch and who held its posts, day by day, as each fact was recorded: so that a
 * read as of a past day (and as known at an instant, knownAt) answers hasMembers and hasSecretary
 * with the people of then, not of today. Facts are kept in the order they were recorded; a member's
 * placement on a day is the last one recorded for the latest day not after it.
 */
export class PeopleHistory {
  private placements = new Map<string, Placement[]>();
  /** Every member ever placed in each branch: the ones a branch's count on any day can include. */
  private placedIn = new Map<string, Set<string>>();
  private posts = new Map<string, Post[]>();

  place(memberId: string, branchId: string | null, day: string, recorded: number): void {
    const list = this.placements.get(memberId) ?? this.placements.set(memberId, []).get(memberId)!;
    list.push({ day, recorded, branchId });
    if (branchId) (this.placedIn.get(branchId) ?? this.placedIn.set(branchId, new Set()).get(branchId)!).add(memberId);
  }

  /** Forgets the member's placements of `day` recorded so far (a reorganisation's move, taken back): on it they stay where an earlier day put them. */
  forget(memberId: string, day: string, recorded: number): void {
    const list = this.placements.get(memberId) ?? this.placements.set(memberId, []).get(memberId)!;
    list.push({ day, recorded, branchId: null, forgotten: true });
  }

  appoint(branchId: string, memberId: string, role: string, startsOn: string, recorded: number): void {
    const list = this.posts.get(branchId) ?? this.posts.set(branchId, []).get(branchId)!;
    list.push({ memberId, role, startsOn, recorded });
  }

  /** Ends the member's latest post of that role in the branch whose end is not yet recorded. */
  depart(branchId: string, memberId: string, role: string, endsOn: string, recorded: number): void {
    const post = this.posts.get(branchId)?.findLast((p) => p.memberId === memberId && p.role === role && p.endsOn === undefined);
    if (!post) return;
    post.endsOn = endsOn;
    post.endRecorded = recorded;
  }

  /** The post a reorganisation ended on `previousEndsOn` ended on `endsOn` (as known from `recorded`). */
  bringForward(branchId: string, memberId: string, role: string, previousEndsOn: string, endsOn: string, recorded: number): void {
    const post = this.posts.get(branchId)?.findLast((p) => p.memberId === memberId && p.role === role && p.endsOn === previousEndsOn);
    if (post) post.earlierEnd = { endsOn, recorded };
  }

  /**
   * The members who were in the branch on `day` or later and have left it for another branch since
   * (a placement there dated after `day` follows their stay): a merger recorded late restates their
   * days between (personnel's MemberMovedForPeriod). One who left the union stays where they were.
   */
  leftSince(branchId: string, day: string): string[] {
    return [...(this.placedIn.get(branchId) ?? [])].filter((memberId) => {
      const byDay = remembered(this.placements.get(memberId) ?? []).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
      return byDay.some((p, i) => p.branchId === branchId && i + 1 < byDay.length && byDay[i + 1].day > day && ![branchId, null].includes(byDay[i + 1].branchId));
    });
  }

  /**
   * The members whose latest placement is into this branch, dated after `day`: a transfer recorded
   * already that takes effect after the day (a dissolution dated before it would leave them arriving
   * in a closed branch).
   */
  arrivingAfter(branchId: string, day: string): string[] {
    return [...(this.placedIn.get(branchId) ?? [])].filter((memberId) => {
      const latest = remembered(this.placements.get(memberId) ?? []).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.recorded - b.recorded)).at(-1);
      return latest?.branchId === branchId && latest.day > day;
    });
  }

  /** The branches' people on `day`, of the facts recorded by `knownAt` (all of them without it). */
  on(day: string, knownAt = Number.POSITIVE_INFINITY): BranchPeople & DirectoryPeople {
    const branchOf = (memberId: string) => placementOn(this.placements.get(memberId) ?? [], day, knownAt);
    const placedIn = (branchId: string) => this.placedIn.get(branchId) ?? new Set<string>();
    return {
      memberCount: (branchId) => [...placedIn(branchId)].filter((m) => branchOf(m) === branchId).length,
      // The directory asks only whether: the first member found there answers (a branch with members is most branches).
      hasMembers: (branchId) => {
        for (const m of placedIn(branchId)) if (branchOf(m) === branchId) return true;
        return false;
      },
      hasSecretary: (branchId) => (this.posts.get(branchId) ?? []).some((p) => p.role === 'secretary' && heldOn(p, day, knownAt)),
    };
  }

  state(): PeopleHistoryState {
    return {
      placements: new Map([...this.placements].map(([m, list]) => [m, [...list]])),
      posts: new Map([...this.posts].map(([b, list]) => [b, list.map((p) => ({ ...p }))])),
    };
  }

  restore(state: PeopleHistoryState): void {
    this.placements = new Map([...state.placements].map(([m, list]) => [m, [...list]]));
    this.posts = new Map([...state.posts].map(([b, list]) => [b, list.map((p) => ({ ...p }))]));
    this.placedIn = new Map();
    for (const [memberId, list] of this.placements) for (const p of list) if (p.branchId) (this.placedIn.get(p.branchId) ?? this.placedIn.set(p.branchId, new Set()).get(p.branchId)!).add(memberId);
  }
}

function placementOn(list: readonly Placement[], day: string, knownAt: number): string | null {
  let found: Placement | undefined;
  for (const p of list) if (p.day <= day && p.recorded <= knownAt && (!found || p.day >= found.day)) found = p;
  return found?.forgotten ? placementOn(withoutForgotten(list, found), day, knownAt) : (found?.branchId ?? null);
}

/** The placements no take-back forgot (and not the forgettings themselves), as known now. */
function remembered(list: readonly Placement[]): Placement[] {
  let kept = [...list];
  for (const forgetting of list.filter((p) => p.forgotten)) kept = withoutForgotten(kept, forgetting);
  return kept;
}

/** The placements but those of the forgotten day recorded up to its forgetting. */
function withoutForgotten(list: readonly Placement[], forgetting: Placement): Placement[] {
  const at = list.lastIndexOf(forgetting);
  return at < 0 ? [...list] : list.filter((p, i) => p.day !== forgetting.day || i > at);
}

function heldOn(p: Post, day: string, knownAt: number): boolean {
  if (p.recorded > knownAt || p.startsOn > day) return false;
  const ended = p.endsOn !== undefined && p.endRecorded! <= knownAt && p.endsOn <= day;
  const endedEarlier = p.earlierEnd !== undefined && p.earlierEnd.recorded <= knownAt && p.earlierEnd.endsOn <= day;
  return !ended && !endedEarlier;
}
