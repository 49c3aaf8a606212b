import { MemberStatus, PersonnelEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op, Operation, ProjectionReader } from '@register/read-models';
import { spellsOf, Timeline, valueOn } from './timeline';

type C = 'members' | 'branches';
type E<T extends PersonnelEvent['type']> = RecordedEvent<Extract<PersonnelEvent, { type: T }>>;

/** `report-membership.members`: where a member is and their status, to place the events that name only the member. */
export interface MemberFactsDoc {
  _id: string;
  branchId: string;
  status: MemberStatus;
  /** Each status from its day (the admission's: active), so that a move recorded late counts them as they were on each day after it (version 5). */
  statuses?: Timeline<MemberStatus>;
  /** The branch the member was counted in from each day (null: unassigned), so that a status change dated before a move recorded already counts where they were (version 6). */
  branches?: Timeline<string | null>;
}

/** A secretary in post from a day, with the source the register found them in; null: the post is vacant from that day. */
export type SecretaryEntry = { memberId: string; source: string } | null;

/**
 * `report-membership.branches`, the `membership` field of the branch's reporting document:
 * counted rather than listed so that a province's summary reads 3,000 documents, not 200,000:
 * members and members away as dated changes, the admissions, introductions to the Party and Party admissions by day, the secretary's post.
 */
export interface BranchMembershipDoc {
  _id: string;
  members?: Timeline<number>;
  away?: Timeline<number>;
  /** Admissions, introductions to the Party and Party admissions counted by their day: a year's count is taken up to the report's day. */
  admissions?: Record<string, number>;
  introductions?: Record<string, number>;
  partyAdmissions?: Record<string, number>;
  secretaries?: Timeline<SecretaryEntry>;
}

/** Still a member (counted): neither left nor past the age. */
const counted = (s: MemberStatus) => s !== 'left' && s !== 'came-of-age';
const away = (s: MemberStatus) => s === 'away-work' || s === 'away-study';

const member = async (reader: ProjectionReader<C>, id: string) => (await reader.read('members', id)) as MemberFactsDoc | undefined;

/** The changes a member's move between statuses (or branches) makes to one branch's counts on a day. */
function counts(branchId: string, day: string, sign: 1 | -1, status: MemberStatus): Operation<C>[] {
  const inc: Record<string, number> = {};
  if (counted(status)) inc[`members.${day}`] = sign;
  if (away(status)) inc[`away.${day}`] = sign;
  return Object.keys(inc).length ? [op.upsert<C>('branches', branchId, { $inc: inc })] : [];
}

/**
 * The member's statuses from `from` until `until` (open: none), each with its days: a move recorded
 * late moves them as they were on each of those days, not as they are now (a member who left, or
 * went away, after a merger's day was counted so from the merger's day on, or not at all).
 */
function statusSpells(m: MemberFactsDoc, from: string, until: string | null): Array<{ status: MemberStatus; from: string; until: string | null }> {
  const statuses = m.statuses ?? { [from]: m.status };
  const later = Object.keys(statuses).filter((d) => d > from && (until === null || d < until)).sort();
  const starts = [from, ...later];
  return starts.map((day, i) => ({ status: valueOn(statuses, day) ?? m.status, from: day, until: starts[i + 1] ?? until }));
}

/** A member counted in `to` instead of `from`, from a day until another (open: for good), as their status was on each day. */
function moved(m: MemberFactsDoc, fromBranchId: string, toBranchId: string, from: string, until: string | null): Operation<C>[] {
  return statusSpells(m, from, until).flatMap((spell) => [
    ...counts(fromBranchId, spell.from, -1, spell.status),
    ...counts(toBranchId, spell.from, 1, spell.status),
    ...(spell.until === null ? [] : [...counts(toBranchId, spell.until, -1, spell.status), ...counts(fromBranchId, spell.until, 1, spell.status)]),
  ]);
}

/**
 * A status change counted from its day where the member was on each day since: a member who went
 * away before a merger recorded already was the source's member away until the merger's day, and
 * the successor's after (a probe found them counted away in the successor from the first day).
 * Status changes are dated in order, so the status before the change is the member's present one on
 * every one of those days.
 */
function statusChanged(m: MemberFactsDoc, day: string, status: MemberStatus): Operation<C>[] {
  const spells = spellsOf(m.branches ?? { [day]: m.branchId }).filter((spell) => spell.endsOn === null || spell.endsOn > day);
  return spells.flatMap(({ value: branchId, startsOn, endsOn }) => {
    const from = startsOn > day ? startsOn : day;
    const change = [...counts(branchId, from, -1, m.status), ...counts(branchId, from, 1, status)];
    return endsOn === null ? change : [...change, ...counts(branchId, endsOn, 1, m.status), ...counts(branchId, endsOn, -1, status)];
  });
}

async function dayCount(reader: ProjectionReader<C>, memberId: string, field: 'introductions' | 'partyAdmissions', day: string) {
  const m = await member(reader, memberId);
  return m && op.upsert<C>('branches', m.branchId, { $inc: { [`${field}.${day}`]: 1 } });
}

/**
 * The day an admission takes effect: its effective date when later than `admittedOn` (an admission
 * recorded ahead), as personnel's reads place the member; they are not a member, nor admitted, before.
 */
const admissionInForce = (e: E<'MemberAdmitted'>) => (e.metadata.effectiveDate > e.data.admittedOn ? e.metadata.effectiveDate : e.data.admittedOn);

/** Membership, its year counts and the secretaries' posts per branch, from personnel's events. */
export const membershipFacts = defineProjection<PersonnelEvent, C>({
  name: 'report-membership',
  // 4: an admission counts from its effective date when later than admittedOn; 5: members keep their statuses by day; 6: and their branches by day.
  version: 6,
  collections: { members: {}, branches: {} },
  handlers: {
    MemberAdmitted: (e: E<'MemberAdmitted'>) => {
      const day = admissionInForce(e);
      return [
        op.replace<C>('members', e.data.memberId, { branchId: e.data.branchId, status: 'active', statuses: { [day]: 'active' }, branches: { [day]: e.data.branchId } }),
        op.upsert<C>('branches', e.data.branchId, { $inc: { [`members.${day}`]: 1, [`admissions.${day}`]: 1 } }),
      ];
    },
    // From the branch the member was in on its day, until their next change of branch: a transfer dated before a merger
    // recorded already is followed by the merger's move taken back (MemberMoveTakenBack), which counts them on from its day.
    MemberTransferred: async (e: E<'MemberTransferred'>, reader) => {
      const m = await member(reader, e.data.memberId);
      if (!m) return [];
      const day = e.data.transferredOn;
      const branches = m.branches ?? { [day]: m.branchId };
      const next = Object.keys(branches).filter((d) => d > day).sort()[0] ?? null;
      const set = { branchId: e.data.toBranchId, [`branches.${day}`]: e.data.toBranchId };
      return [...moved(m, valueOn(branches, day) ?? m.branchId, e.data.toBranchId, day, next), op.update<C>('members', m._id, { $set: set })];
    },
    // A past period (a merger recorded late): counted in the successor, not the closed branch, until the member's later move; today's branch stays.
    MemberMovedForPeriod: async (e: E<'MemberMovedForPeriod'>, reader) => {
      const m = await member(reader, e.data.memberId);
      if (!m) return [];
      return [...moved(m, e.data.fromBranchId, e.data.toBranchId, e.data.movedOn, e.data.until), op.update<C>('members', m._id, { $set: { [`branches.${e.data.movedOn}`]: e.data.toBranchId } })];
    },
    // A past period (a dissolution recorded late): counted nowhere, as the branch's other members, until the member's later move.
    MemberUnassignedForPeriod: async (e: E<'MemberUnassignedForPeriod'>, reader) => {
      const m = await member(reader, e.data.memberId);
      if (!m) return [];
      const unassigned = statusSpells(m, e.data.on, e.data.until).flatMap((spell) => [...counts(e.data.fromBranchId, spell.from, -1, spell.status), ...counts(e.data.fromBranchId, spell.until!, 1, spell.status)]);
      return [...unassigned, op.update<C>('members', m._id, { $set: { [`branches.${e.data.on}`]: null } })];
    },
    // A leaving or a transfer dated before a move recorded already takes the move back. The move's day is forgotten: from it
    // they are counted where their own changes put them (nowhere once they left), until their next one.
    MemberMoveTakenBack: async (e: E<'MemberMoveTakenBack'>, reader) => {
      const m = await member(reader, e.data.memberId);
      if (!m) return [];
      const day = e.data.movedOn;
      const others = Object.fromEntries(Object.entries(m.branches ?? {}).filter(([d]) => d !== day));
      const stayed = valueOn(others, day) ?? e.data.toBranchId;
      const next = Object.keys(others).filter((d) => d > day).sort()[0] ?? null;
      const current = m.branchId === e.data.fromBranchId ? { $set: { branchId: stayed } } : {};
      return [...moved(m, e.data.fromBranchId, stayed, day, next), op.update<C>('members', m._id, { $unset: { [`branches.${day}`]: '' }, ...current })];
    },
    MemberStatusChanged: async (e: E<'MemberStatusChanged'>, reader) => {
      const m = await member(reader, e.data.memberId);
      if (!m) return [];
      const day = e.data.changedOn;
      return [...statusChanged(m, day, e.data.status), op.update<C>('members', m._id, { $set: { status: e.data.status, [`statuses.${day}`]: e.data.status } })];
    },
    MemberIntroducedToParty: (e: E<'MemberIntroducedToParty'>, reader) => dayCount(reader, e.data.memberId, 'introductions', e.data.introducedOn),
    MemberPartyOutcomeRecorded: (e: E<'MemberPartyOutcomeRecorded'>, reader) =>
      e.data.outcome === 'admitted' ? dayCount(reader, e.data.memberId, 'partyAdmissions', e.data.decidedOn) : undefined,
    OfficerAppointed: (e: E<'OfficerAppointed'>) =>
      e.data.role === 'secretary' ? op.upsert<C>('branches', e.data.branchId, { $set: { [`secretaries.${e.data.startsOn}`]: { memberId: e.data.memberId, source: e.data.source } } }) : undefined,
    OfficerDeparted: async (e: E<'OfficerDeparted'>, reader) => {
      if (e.data.role !== 'secretary') return undefined;
      const branch = (await reader.read('branches', e.data.branchId)) as BranchMembershipDoc | undefined;
      // A successor already appointed from that very day keeps the post.
      const sameDay = branch?.secretaries?.[e.data.endsOn];
      if (sameDay && sameDay.memberId !== e.data.memberId) return undefined;
      return op.upsert<C>('branches', e.data.branchId, { $set: { [`secretaries.${e.data.endsOn}`]: null } });
    },
    // The post a reorganisation ended ended earlier: the branch has no secretary from that day (one appointed since keeps theirs).
    OfficerDepartureBroughtForward: async (e: E<'OfficerDepartureBroughtForward'>, reader) => {
      if (e.data.role !== 'secretary') return undefined;
      const branch = (await reader.read('branches', e.data.branchId)) as BranchMembershipDoc | undefined;
      const entry = valueOn(branch?.secretaries, e.data.endsOn);
      if (!entry || entry.memberId !== e.data.memberId) return undefined;
      return op.upsert<C>('branches', e.data.branchId, { $set: { [`secretaries.${e.data.endsOn}`]: null } });
    },
  },
});
