import { MemberEvent } from '@register/contracts';
import { MergerAfter } from './facts';
import { Member } from './member';

/** The moves of a merger or split, which a leaving or a transfer dated before them takes back; a member's own transfer neither can. */
export const REORGANISATION_MOVES: readonly string[] = ['merger', 'split'];

/** The member's first own move (a transfer) after `on`, which a change dated on `on` cannot come before. */
export const ownMoveAfter = (s: Member, on: string): Member['branches'][number] | undefined => s.branches.find((b) => b.since > on && !REORGANISATION_MOVES.includes(b.cause));

/**
 * The branch the member was in on `on`, and the moves of mergers and splits recorded already and
 * dated after it, taken back (MemberMoveTakenBack, the latest first): a member who left that
 * branch on `on` (the union, or by a transfer of their own) was not moved by them. From each move's
 * day they stay in `stayIn` (a transfer's target), or, leaving the union, in the branch the move
 * took them from.
 */
export function movesTakenBackAfter(s: Member, on: string, stayIn?: string | ((movedOn: string) => string)): { from: string; takenBack: MemberEvent[] } {
  const later = s.branches.filter((b) => b.since > on && REORGANISATION_MOVES.includes(b.cause));
  const stays = s.branches.filter((b) => !later.includes(b));
  const from = stays[stays.length - 1]?.branchId ?? s.branchId;
  const takenBack: MemberEvent[] = [...later].reverse().map((b) => {
    const before = (typeof stayIn === 'function' ? stayIn(b.since) : stayIn) ?? s.branches[s.branches.indexOf(b) - 1]?.branchId ?? from;
    // In force from the move's day, which it takes back: folded up to a day before it, there is no move to take back.
    return { type: 'MemberMoveTakenBack', data: { memberId: s.memberId, fromBranchId: b.branchId, toBranchId: before, movedOn: b.since, leftOn: on, cause: b.cause as 'merger' | 'split' }, effectiveOn: b.since };
  });
  return { from, takenBack };
}

/**
 * The moves of the mergers that closed `branchId` after the member joined it (recorded before the
 * joining): each on its day, from the branch the one before left them in, as the merger's reaction
 * moved the members it found. Appended after the joining.
 */
export function mergerMoves(memberId: string, branchId: string, mergers: MergerAfter[] = []): MemberEvent[] {
  return mergers.map((m, i) => ({
    type: 'MemberTransferred',
    data: { memberId, fromBranchId: i === 0 ? branchId : mergers[i - 1].intoBranchId, toBranchId: m.intoBranchId, transferredOn: m.on, duesSettledUpTo: null, cause: 'merger' },
    effectiveOn: m.on,
  }));
}

/** Where a member who joined `branchId` on `on` stood just before `day`: the branch, or the successor of a merger before that day. */
export function branchBefore(branchId: string, mergers: MergerAfter[], day: string): string {
  return mergers.filter((m) => m.on < day).at(-1)?.intoBranchId ?? branchId;
}
