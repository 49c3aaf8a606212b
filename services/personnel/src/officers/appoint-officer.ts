import { deciderOf, ConflictError, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { AppointmentMethod, BranchOfficersEvent, dayBefore, OfficerRole, OfficerSource } from '@register/contracts';
import { addMonths } from '../domain/dates';
import { BranchStatusFact, GOOD_OR_BETTER, isAway, MemberFacts } from '../domain/facts';
import { BranchOfficers, branchOfficersAggregate } from '../domain/branch-officers';
import { pastComingOfAge } from '../domain/rules';

/** Below this many members a branch has a secretary and at most one deputy. */
export const SMALL_BRANCH = 9;
/** An interim officer's branch holds its congress within this many months. */
export const INTERIM_MONTHS = 6;

/**
 * Bầu / chỉ định bí thư, phó bí thư. The facts about the branch (from the replica of organisation's
 * events, the member count and last rating) and the member (from their stream) come with the command.
 */
export type AppointOfficer = {
  type: 'AppointOfficer';
  branchId: string;
  memberId: string;
  role: OfficerRole;
  method: AppointmentMethod;
  source: OfficerSource;
  startsOn: string;
  congressDeadline?: string;
  termEndsOn?: string;
  /** establishedOn: the effective date of BranchEstablished in the replica; absent or null when unknown (not checked then). */
  /** `lastRating`: the branch's rating the congress is held under (of `ratingYear`, the latest year before startsOn's), null when none. */
  branch: { status: BranchStatusFact; memberCount: number; lastRating: string | null; ratingYear?: number; establishedOn?: string | null; mergedOn?: string };
  /**
   * `branch.mergedOn`: the day a merger recorded already closed the branch, after the post's first
   * day: the post ends then, as the merger ended its other officers' (OfficerDeparted, cause merger),
   * and the member is checked on the day before it (`memberBeforeMerger`), not as recorded now.
   */
  memberBeforeMerger?: (Pick<MemberFacts, 'branchId' | 'status'> & { commune: string | null }) | null;
  member: MemberFacts | null;
  /**
   * The member on the post's first day (what took effect by then, as recorded now): the post needs
   * them active and in the branch then as well as now. null when not admitted by then (the
   * admission's own rule answers); absent when not gathered (not checked).
   */
  memberOnStart?: (Pick<MemberFacts, 'branchId' | 'status'> & { commune: string | null }) | null;
  /**
   * The commune (the grassroots unit a branch sits under, from the replica of organisation's
   * events) of the branch and of the member's own branch; null where the replica does not know.
   */
  communes: { branch: string | null; member: string | null };
  /**
   * The branches whose members may be sent to lead another of their commune (source
   * commune-administrative-branch): those of the member's own branch now and on the post's first day
   * that have no residential area (thôn, bản, tổ dân phố); a residential one's member leads only their
   * own. Absent: not known (not checked).
   */
  residentialBranches?: string[];
};

/** A post starts neither before the member was admitted nor before the branch existed. */
function checkStartDate(c: AppointOfficer, m: MemberFacts) {
  if (c.startsOn < m.admittedOn) {
    throw new RuleViolation('appointment-before-admission', `the appointment starts on ${c.startsOn}, before member ${m.memberId} was admitted on ${m.admittedOn}`, { memberId: m.memberId });
  }
  const established = c.branch.establishedOn;
  if (established && c.startsOn < established) {
    throw new RuleViolation('appointment-before-branch', `the appointment starts on ${c.startsOn}, before branch ${c.branchId} was established on ${established}`);
  }
}

/**
 * The member is active and a member of the branch (or sent from the commune's administrative
 * branch); `when` names the day checked, empty for the member as recorded now.
 */
function checkMemberMayLead(c: AppointOfficer, m: Pick<MemberFacts, 'memberId' | 'branchId' | 'status' | 'statusSince'>, memberCommune: string | null, when: string) {
  // The member as recorded now may be away from a day still to come: the post would outlast it.
  const since = !when && m.statusSince && m.statusSince > c.startsOn ? ` from ${m.statusSince}` : '';
  if (isAway(m.status)) throw new RuleViolation('member-away', `member ${m.memberId} is away (${m.status})${since}${when}: an absent member is not made an officer`, { memberId: m.memberId });
  if (m.status !== 'active') throw new RuleViolation('member-not-active', `member ${m.memberId} is ${m.status}${when}`, { memberId: m.memberId });
  // A branch is led by one of its members; where a hamlet has nobody, a member of the commune's
  // administrative branch may be sent (source commune-administrative-branch): a branch of the same
  // commune, never one elsewhere. The refusal names neither the member's branch nor their commune.
  if (m.branchId !== c.branchId) {
    if (c.source !== 'commune-administrative-branch') {
      throw new RuleViolation('member-not-in-branch', `member ${m.memberId} is not a member of branch ${c.branchId}${when}; only a member sent from the commune's administrative branch may lead another branch`, { memberId: m.memberId });
    }
    if (c.communes.branch === null || c.communes.branch !== memberCommune) {
      throw new RuleViolation('member-not-in-commune', `member ${m.memberId} is not a member of a branch of the commune of branch ${c.branchId}${when}: a member sent from the administrative branch comes from the same commune`, { memberId: m.memberId });
    }
    // The commune's administrative branch has no residential area: a hamlet's member is not sent to lead another hamlet (a probe recorded one so, counted under that source).
    if (c.residentialBranches?.includes(m.branchId)) {
      throw new RuleViolation('member-not-in-administrative-branch', `member ${m.memberId} is a member of residential branch ${m.branchId}${when}: only a member of the commune's administrative branch (a branch without a residential area) may be sent to lead another branch`, { memberId: m.memberId, branchId: m.branchId });
    }
  }
}

/** The posts held on `day` or later: today's, and those whose departure is dated after `day`. */
function heldFrom(s: BranchOfficers, day: string): BranchOfficers['current'] {
  return [...s.current, ...s.history.filter((p) => p.endsOn !== undefined && p.endsOn > day)];
}

/** The decisions on appointments, over the branch's officers. */
export const appointmentDecider = deciderOf(branchOfficersAggregate, decideAppointment);

export function decideAppointment(c: AppointOfficer, s: BranchOfficers): BranchOfficersEvent[] {
  if (c.branch.status === 'unknown') throw new NotFoundError('branch', c.branchId);
  if (c.branch.status === 'closed') throw new RuleViolation('branch-not-active', `branch ${c.branchId} was merged, split or dissolved`);
  const m = c.member;
  if (!m) throw new RuleViolation('member-unknown', `member ${c.memberId} is not in the register`, { memberId: c.memberId });
  const mergedOn = c.branch.mergedOn;
  if (mergedOn === undefined) checkMemberMayLead(c, m, c.communes.member, '');
  else checkLedUntilMerger(c, m.memberId, mergedOn);
  if (c.memberOnStart) checkMemberMayLead(c, { ...c.memberOnStart, memberId: m.memberId }, c.memberOnStart.commune, ` on ${c.startsOn}`);
  checkStartDate(c, m);
  if (pastComingOfAge(m.dateOfBirth, m.stayUntil, c.startsOn)) {
    throw new RuleViolation('member-past-coming-of-age', `member ${m.memberId} has reached 30 by ${c.startsOn} and did not ask to stay`);
  }
  const held = s.current.find((p) => p.memberId === m.memberId);
  if (held) throw new ConflictError('member-already-officer', `member ${m.memberId} already holds the post of ${held.role}`);
  // The merger ended every post of a merged branch: one of the member's that overlaps the new one is a post held already.
  const overlapping = mergedOn === undefined ? undefined : s.history.find((p) => p.memberId === m.memberId && p.startsOn < mergedOn && (p.endsOn === undefined || p.endsOn > c.startsOn));
  if (overlapping) throw new ConflictError('member-already-officer', `member ${m.memberId} held the post of ${overlapping.role} from ${overlapping.startsOn}${overlapping.endsOn ? ` until ${overlapping.endsOn}` : ''}, which the new post overlaps`);
  if (c.role === 'secretary') {
    // One secretary at a time: a post held on or after the new one's first day takes it, its departure dated later included.
    const secretary = heldFrom(s, c.startsOn).find((p) => p.role === 'secretary');
    if (secretary) {
      const until = secretary.endsOn ? ` until ${secretary.endsOn}` : '';
      throw new ConflictError('secretary-post-taken', `branch ${c.branchId} already has a secretary (${secretary.memberId}) from ${secretary.startsOn}${until}: the post is free from ${secretary.endsOn ?? 'their departure'}`);
    }
    if (c.method === 'elected' && c.branch.lastRating !== null && !GOOD_OR_BETTER.includes(c.branch.lastRating)) {
      const of = c.branch.ratingYear === undefined ? '' : ` (for ${c.branch.ratingYear}, the last year rated before ${c.startsOn})`;
      throw new RuleViolation('direct-election-needs-good-rating', `the secretary is elected directly only in a branch rated good or better; its last rating is ${c.branch.lastRating}${of}`, { grade: c.branch.lastRating, ...(c.branch.ratingYear === undefined ? {} : { year: c.branch.ratingYear }) });
    }
  } else if (c.branch.memberCount < SMALL_BRANCH && heldFrom(s, c.startsOn).some((p) => p.role === 'deputy-secretary')) {
    throw new RuleViolation('one-deputy-in-small-branch', `a branch with fewer than ${SMALL_BRANCH} members has at most one deputy secretary`);
  }
  let congressDeadline: string | undefined;
  if (c.method === 'interim') {
    const latest = addMonths(c.startsOn, INTERIM_MONTHS);
    congressDeadline = c.congressDeadline ?? latest;
    if (congressDeadline > latest) throw new RuleViolation('congress-deadline-too-late', `an interim officer's congress is held within ${INTERIM_MONTHS} months, by ${latest}`);
    if (congressDeadline < c.startsOn) throw new RuleViolation('congress-deadline-before-start', 'the congress deadline lies before the start');
  } else if (c.congressDeadline) {
    throw new RuleViolation('congress-deadline-only-for-interim', 'only interim officers have a congress deadline');
  }
  if (c.termEndsOn !== undefined && c.termEndsOn <= c.startsOn) throw new RuleViolation('term-ends-before-start', 'the term ends before it starts');
  return [
    {
      type: 'OfficerAppointed',
      data: {
        branchId: c.branchId,
        memberId: m.memberId,
        role: c.role,
        method: c.method,
        startsOn: c.startsOn,
        source: c.source,
        ...(congressDeadline ? { congressDeadline } : {}),
        ...(c.termEndsOn ? { termEndsOn: c.termEndsOn } : {}),
      },
    },
    // A post in a branch merged away since ends on the merger's day, as the merger's reaction ended the posts it found.
    ...(mergedOn === undefined ? [] : [{ type: 'OfficerDeparted' as const, data: { branchId: c.branchId, memberId: m.memberId, role: c.role, endsOn: mergedOn, cause: 'merger' as const }, effectiveOn: mergedOn }]),
  ];
}

/** A post that a merger ends: the member led the branch up to the day before it (a later leaving or transfer, recorded already, would have ended the post first). */
function checkLedUntilMerger(c: AppointOfficer, memberId: string, mergedOn: string): void {
  const lastDay = dayBefore(mergedOn);
  if (c.startsOn >= mergedOn) throw new RuleViolation('branch-not-active', `branch ${c.branchId} was merged on ${mergedOn}, on or before ${c.startsOn}`);
  const before = c.memberBeforeMerger;
  if (!before) throw new RuleViolation('member-not-in-branch', `member ${memberId} was not in the register on ${lastDay}, the day before branch ${c.branchId} was merged`, { memberId });
  checkMemberMayLead(c, { ...before, memberId }, before.commune, ` on ${lastDay}, the day before branch ${c.branchId} was merged (which ends the post): a post of a merged branch is recorded for a member who led it until the merger`);
}
