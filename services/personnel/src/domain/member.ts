import { Evolver } from '@register/event-sourcing';
import { MemberEvent, MemberStatus, PersonalData } from '@register/contracts';
import { MemberFacts } from './facts';

/** One member (stream `member-<id>`), folded from its events. */
export interface Member {
  exists: boolean;
  memberId: string;
  branchId: string;
  status: MemberStatus;
  admittedOn: string;
  /** null when never given or shredded. */
  personal: PersonalData | null;
  stayUntil: string | null;
  /** Where the member lives and also takes part, when not the home branch. */
  residentialBranchId: string | null;
  /** The day the last residential affiliation (or its end) took effect; null when none was ever set. */
  residentialSince: string | null;
  party: { status: 'none' | 'introduced' | 'admitted' | 'not-admitted'; since: string | null };
  /** The member asked for their personal data to be erased (its key is shredded). */
  erased: boolean;
  /** The day the member's present status took effect (the admission's, for one never changed). */
  statusSince: string;
  /** Every branch the member belonged to, oldest first, with the day they joined it. */
  branches: Array<{ branchId: string; since: string; cause: string }>;
  version: number;
}

export const noMember = (): Member => ({
  exists: false,
  memberId: '',
  branchId: '',
  status: 'active',
  admittedOn: '',
  statusSince: '',
  personal: null,
  stayUntil: null,
  erased: false,
  residentialBranchId: null,
  residentialSince: null,
  party: { status: 'none', since: null },
  branches: [],
  version: -1,
});

const plain = (p: unknown): PersonalData | null => (p && typeof p === 'object' && 'fullName' in p ? (p as PersonalData) : null);

export function evolveMember(s: Member, e: MemberEvent): Member {
  const version = s.version + 1;
  switch (e.type) {
    case 'MemberAdmitted':
      return {
        ...s,
        exists: true,
        memberId: e.data.memberId,
        branchId: e.data.branchId,
        status: 'active',
        admittedOn: e.data.admittedOn,
        statusSince: e.data.admittedOn,
        personal: plain(e.data.personal),
        branches: [{ branchId: e.data.branchId, since: e.data.admittedOn, cause: 'admission' }],
        version,
      };
    case 'MemberPersonalDataCorrected':
      return { ...s, personal: s.erased ? null : plain(e.data.personal), version };
    case 'MemberPersonalDataErased':
      return { ...s, personal: null, erased: true, version };
    case 'MemberTransferred':
      return {
        ...s,
        branchId: e.data.toBranchId,
        residentialBranchId: s.residentialBranchId === e.data.toBranchId ? null : s.residentialBranchId,
        status: s.status === 'unassigned' ? 'active' : s.status,
        branches: [...s.branches, { branchId: e.data.toBranchId, since: e.data.transferredOn, cause: e.data.cause }],
        version,
      };
    case 'MemberMovedForPeriod': {
      const branches = withStayFrom(s.branches, { branchId: e.data.toBranchId, since: e.data.movedOn, cause: e.data.cause });
      return { ...s, branchId: branches[branches.length - 1].branchId, branches, version };
    }
    case 'MemberUnassignedForPeriod': {
      // Folded up to a day in the period, the member is still in the dissolved branch: unassigned then. Folded later, they have moved on.
      const stay = s.branches[s.branches.length - 1];
      const inPeriod = s.branchId === e.data.fromBranchId && (stay?.since ?? '') < e.data.until;
      return inPeriod ? { ...s, status: 'unassigned', statusSince: e.data.on, version } : { ...s, version };
    }
    case 'MemberMoveTakenBack': {
      // The member had left before the move: its stay is not theirs (folded before its day, there is none to drop).
      const branches = s.branches.filter((b) => !(b.branchId === e.data.fromBranchId && b.since === e.data.movedOn && b.cause === e.data.cause));
      return { ...s, branchId: branches[branches.length - 1]?.branchId ?? s.branchId, branches, version };
    }
    case 'MemberStatusChanged':
      return { ...s, status: e.data.status, statusSince: e.data.changedOn, version };
    case 'MemberStayExtended':
      return { ...s, stayUntil: e.data.until, version };
    case 'MemberResidentialAffiliationSet':
      return { ...s, residentialBranchId: e.data.branchId, residentialSince: e.data.since, version };
    case 'MemberIntroducedToParty':
      return { ...s, party: { status: 'introduced', since: e.data.introducedOn }, version };
    case 'MemberPartyOutcomeRecorded':
      return { ...s, party: { status: e.data.outcome, since: e.data.decidedOn }, version };
  }
}

/**
 * The branches with a stay inserted by its day, after the stays that began by then: a period
 * recorded late ends where the member's next stay (already recorded) begins. Folded up to a day
 * before that next stay, the inserted one is the last, and so the member's branch then.
 */
function withStayFrom(branches: Member['branches'], stay: Member['branches'][number]): Member['branches'] {
  const at = branches.findIndex((b) => b.since > stay.since);
  return at < 0 ? [...branches, stay] : [...branches.slice(0, at), stay, ...branches.slice(at)];
}

/** Before every day: what is in force on all of them. */
const EVERY_DAY = '0000-01-01';

/** The field of a member event that says its own day, where a decision may move it past the command's (dayInForce). */
const OWN_DAY: Partial<Record<MemberEvent['type'], string>> = { MemberTransferred: 'transferredOn', MemberMovedForPeriod: 'movedOn', MemberUnassignedForPeriod: 'on', MemberMoveTakenBack: 'movedOn', MemberStatusChanged: 'changedOn' };

/**
 * The day a member event takes effect: its effective date, or its own day when that is later. A
 * reorganisation recorded late and dated before the member arrived (a transfer in, recorded first)
 * moves them on their arrival: the event says so in its data, while events recorded before 6
 * December 2026 carry the reorganisation's day as their effective date. Folded `asOf` a day between,
 * such a move would have taken the member out of the branch they were in.
 */
export function dayInForce(e: { type: string; data: unknown; metadata: { effectiveDate: string } }): string {
  // A correction fixes the record: the name was always the corrected one, on every day (knownAt reads what was held before).
  if (e.type === 'MemberPersonalDataCorrected') return EVERY_DAY;
  const field = OWN_DAY[e.type as MemberEvent['type']];
  const own = field ? (e.data as Record<string, unknown>)[field] : undefined;
  return typeof own === 'string' && own > e.metadata.effectiveDate ? own : e.metadata.effectiveDate;
}

/** One member's aggregate: its state and evolve; each capability brings its decisions (members/). */
export const memberAggregate: Evolver<MemberEvent, Member> = { initialState: noMember, evolve: evolveMember };

/** The facts an appointment needs about a member, from the member's stream. */
export const memberFacts = (m: Member): MemberFacts | null =>
  m.exists ? { memberId: m.memberId, branchId: m.branchId, status: m.status, statusSince: m.statusSince, admittedOn: m.admittedOn, dateOfBirth: m.personal?.dateOfBirth ?? null, stayUntil: m.stayUntil } : null;
