import { MemberStatus, PersonalData, PersonnelEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op } from '@register/read-models';
import { exactKey, foldDiacritics, sortKey } from '@register/text';

type C = 'members';

/**
 * `member-directory.members`: one per member, as `GET /members` lists them. Names are personal
 * data: they are here only while they can be read in the log. When the member's personal data is
 * erased the document drops them (and its search keys), which is also what a rebuild after the key
 * was shredded writes (the admission then reads `personal: null`), so both copies agree.
 */
export interface DirectoryMemberDoc {
  _id: string;
  branchId: string;
  status: MemberStatus;
  /** Away for work or study (the members-away report). */
  away: boolean;
  fullName: string | null;
  dateOfBirth: string | null;
  gender: string | null;
  admittedOn: string;
  /** The member asked for their personal data to be erased: later corrections are not shown. */
  erased: boolean;
  /** The name folded (lower case, no diacritics): a query typed without diacritics matches any accented form. */
  search: string;
  /** The name in lower case with its diacritics: a query typed with them matches them exactly. */
  exact: string;
  /** The directory's order (then _id): the folded name. */
  sortName: string;
  /** Each change of branch or status, in log order, with the day it takes effect. */
  changes: DirectoryChange[];
  /** The latest day a change takes effect: after it, the fields above are the member's; before it, `memberOn` tells. */
  settledOn: string;
}

/** An admission, transfer or status change as the directory keeps it, for the member on a day. */
export interface DirectoryChange {
  on: string;
  kind: 'admitted' | 'transferred' | 'status';
  branchId?: string;
  status?: MemberStatus;
}

type E<T extends PersonnelEvent['type']> = RecordedEvent<Extract<PersonnelEvent, { type: T }>>;

const plain = (p: unknown): PersonalData | null => (p && typeof p === 'object' && 'fullName' in p ? (p as PersonalData) : null);

/** The personal fields of the document and their search keys (all null / empty without a readable name). */
export function personalFields(p: PersonalData | null) {
  const folded = foldDiacritics(p?.fullName ?? '');
  return { fullName: p?.fullName ?? null, dateOfBirth: p?.dateOfBirth ?? null, gender: p?.gender ?? null, search: folded, exact: exactKey(p?.fullName), sortName: sortKey(p?.fullName ?? '') };
}

const isAway = (s: MemberStatus) => s === 'away-work' || s === 'away-study';

/** What one change does to (branchId, status); a transfer makes an unassigned member active. */
function applyChange(m: { branchId: string; status: MemberStatus } | null, c: DirectoryChange) {
  if (c.kind === 'admitted') return { branchId: c.branchId!, status: 'active' as MemberStatus };
  if (!m) return null;
  if (c.kind === 'transferred') return { branchId: c.branchId!, status: m.status === 'unassigned' ? ('active' as MemberStatus) : m.status };
  return { branchId: m.branchId, status: c.status! };
}

/**
 * The member as the directory shows them on `date`: the changes in force by then, in log order, as
 * `asOf` folds the log (null before the admission takes effect). The projection writes every change
 * when it is recorded, a day later than today included; the read, which knows what today is, keeps
 * one dated after it pending. Without a pending change the document is the member already.
 */
export function memberOn(doc: DirectoryMemberDoc, date: string): DirectoryMemberDoc | null {
  if (doc.settledOn <= date) return doc;
  const then = doc.changes.filter((c) => c.on <= date).reduce(applyChange, null);
  return then && { ...doc, ...then, away: isAway(then.status) };
}

/** The document's branch and status after one more change, with its change list and settled day. */
function withChange(m: Pick<DirectoryMemberDoc, 'branchId' | 'status' | 'changes' | 'settledOn'>, change: DirectoryChange) {
  const after = applyChange(m, change)!;
  const settledOn = change.on > m.settledOn ? change.on : m.settledOn;
  return { ...after, away: isAway(after.status), changes: [...(m.changes ?? []), change], settledOn };
}

/** The member directory: search with or without diacritics, by branch and status; the members away and unassigned. */
export const memberDirectoryProjection = defineProjection<PersonnelEvent, C>({
  name: 'member-directory',
  // 2: each change's effective day (changes, settledOn), for the member on a day. 3: `exact` with one tone placement (canonicalTones).
  // 4: `sortName` in the Vietnamese alphabet's order (sortKey), where it was the folded name (Đ sorted as D).
  version: 4,
  collections: {
    members: { indexes: [{ key: { sortName: 1, _id: 1 } }, { key: { branchId: 1, sortName: 1 } }, { key: { status: 1, sortName: 1 } }, { key: { settledOn: 1 } }] },
  },
  handlers: {
    MemberAdmitted: (e: E<'MemberAdmitted'>) => {
      const on = e.metadata.effectiveDate;
      const doc: Omit<DirectoryMemberDoc, '_id'> = {
        branchId: e.data.branchId,
        status: 'active',
        away: false,
        admittedOn: e.data.admittedOn,
        erased: false,
        ...personalFields(plain(e.data.personal)),
        changes: [{ on, kind: 'admitted', branchId: e.data.branchId }],
        settledOn: on,
      };
      return op.replace('members', e.data.memberId, doc);
    },
    MemberPersonalDataCorrected: async (e: E<'MemberPersonalDataCorrected'>, reader) => {
      const m = (await reader.read('members', e.data.memberId)) as DirectoryMemberDoc | undefined;
      if (!m || m.erased) return [];
      return op.update('members', m._id, { $set: personalFields(plain(e.data.personal)) });
    },
    MemberPersonalDataErased: (e: E<'MemberPersonalDataErased'>) => op.update('members', e.data.memberId, { $set: { ...personalFields(null), erased: true } }),
    MemberTransferred: async (e: E<'MemberTransferred'>, reader) => {
      const m = (await reader.read('members', e.data.memberId)) as DirectoryMemberDoc | undefined;
      if (!m) return [];
      return op.update('members', m._id, { $set: withChange(m, { on: e.metadata.effectiveDate, kind: 'transferred', branchId: e.data.toBranchId }) });
    },
    // The member left the branch before a move recorded already (the union, or by a transfer): from the move's day they stay in toBranchId.
    MemberMoveTakenBack: async (e: E<'MemberMoveTakenBack'>, reader) => {
      const m = (await reader.read('members', e.data.memberId)) as DirectoryMemberDoc | undefined;
      if (!m) return [];
      return op.update('members', m._id, { $set: withChange(m, { on: e.data.movedOn, kind: 'transferred', branchId: e.data.toBranchId }) });
    },
    MemberStatusChanged: async (e: E<'MemberStatusChanged'>, reader) => {
      const m = (await reader.read('members', e.data.memberId)) as DirectoryMemberDoc | undefined;
      if (!m) return [];
      return op.update('members', m._id, { $set: withChange(m, { on: e.metadata.effectiveDate, kind: 'status', status: e.data.status }) });
    },
  },
});
