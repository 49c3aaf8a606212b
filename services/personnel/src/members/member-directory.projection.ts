import { MemberStatus, PersonalData, PersonnelEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op } from '@register/read-models';
import { foldDiacritics, normaliseName } from '@register/text';

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
}

type E<T extends PersonnelEvent['type']> = RecordedEvent<Extract<PersonnelEvent, { type: T }>>;

const plain = (p: unknown): PersonalData | null => (p && typeof p === 'object' && 'fullName' in p ? (p as PersonalData) : null);

/** What a query typed with diacritics is compared with: NFC, single spaces, lower case. */
export const exactKey = (name: string | undefined | null) => normaliseName(name ?? '').toLocaleLowerCase('vi');

/** The personal fields of the document and their search keys (all null / empty without a readable name). */
export function personalFields(p: PersonalData | null) {
  const folded = foldDiacritics(p?.fullName ?? '');
  return { fullName: p?.fullName ?? null, dateOfBirth: p?.dateOfBirth ?? null, gender: p?.gender ?? null, search: folded, exact: exactKey(p?.fullName), sortName: folded };
}

const isAway = (s: MemberStatus) => s === 'away-work' || s === 'away-study';

/** The member directory: search with or without diacritics, by branch and status; the members away and unassigned. */
export const memberDirectoryProjection = defineProjection<PersonnelEvent, C>({
  name: 'member-directory',
  version: 1,
  collections: {
    members: { indexes: [{ key: { sortName: 1, _id: 1 } }, { key: { branchId: 1, sortName: 1 } }, { key: { status: 1, sortName: 1 } }] },
  },
  handlers: {
    MemberAdmitted: (e: E<'MemberAdmitted'>) => {
      const doc: Omit<DirectoryMemberDoc, '_id'> = {
        branchId: e.data.branchId,
        status: 'active',
        away: false,
        admittedOn: e.data.admittedOn,
        erased: false,
        ...personalFields(plain(e.data.personal)),
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
      return op.update('members', m._id, { $set: { branchId: e.data.toBranchId, ...(m.status === 'unassigned' ? { status: 'active' } : {}) } });
    },
    MemberStatusChanged: (e: E<'MemberStatusChanged'>) => op.update('members', e.data.memberId, { $set: { status: e.data.status, away: isAway(e.data.status) } }),
  },
});
