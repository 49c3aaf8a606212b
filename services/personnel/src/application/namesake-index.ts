import { createHmac, randomBytes } from 'node:crypto';
import { PersonalData } from '@register/contracts';
import { bareNamesakeKey, namesakeKey, typedWithoutMarks } from '@register/text';

/** A member's person key, or `null` once their personal data was erased (later corrections are then not keyed). */
type PersonKey = string | null;

/** A member's person key without the name's marks, and whether their name was typed without any: `[key, unmarked]`. */
type BareKey = [string, boolean];

/** The two keys a name and date of birth are looked up by. */
interface PersonKeys {
  person: string;
  bare: BareKey;
}

/** The index as JSON, for the directory's snapshots: keyed hashes only, never a name. */
export interface NamesakeIndexJson {
  /** A keyed hash of a constant: a snapshot taken under another key is not resumed from. */
  keyCheck: string;
  persons: Array<[string, PersonKey]>;
  /** Each member's keyed national ID number (absent before 5 December 2026). */
  nationalIds?: Array<[string, string]>;
  /** Each member's bare key (absent before 7 December 2026: the key check then refuses the snapshot). */
  bare?: Array<[string, BareKey]>;
}

/** The whole index, each slot's order included, for the embedded start's snapshot: keyed hashes only. */
export interface NamesakeIndexData {
  keyCheck: string;
  persons: Map<string, PersonKey>;
  byKey: Map<string, string[]>;
  nationalIds: Map<string, string>;
  bare: Map<string, BareKey>;
  byBare: Map<string, string[]>;
}

/** Changed with the keys' form (look-alikes as the letters seen since 6 December 2026): a snapshot of older keys is then not resumed from. */
const KEY_CHECK = 'personnel.directory namesakes, keys of the letters seen, and bare keys';

const plain = (p: unknown): PersonalData | null => (p && typeof p === 'object' && 'fullName' in p ? (p as PersonalData) : null);

/**
 * Who could be the same person, on the write side: branch → keyed hash of (name as namesakeKey
 * compares it: one tone placement, the
 * skeleton of its lower case; date of birth) → member ids. The hash is HMAC-SHA-256 under the
 * register's fingerprint secret (a random one per process without it), so neither memory nor the
 * snapshot holds a name, and a guessed name cannot be confirmed without the secret. Erasure drops
 * the member's key, a correction replaces it, a transfer moves it (the directory re-indexes).
 *
 * Beside it, the same key without the name's marks: a name typed without any ("Do Thi Thuy Hang",
 * a list retyped on a keyboard without Vietnamese) is the namesake of the marked one ("Đỗ Thị Thúy
 * Hằng"), either way round; two names both typed with marks are compared by the first key only
 * ("Hương" and "Hường" are two people). A probe admitted such a pair twice in one branch.
 */
export class NamesakeIndex {
  private readonly secret: string;
  private persons = new Map<string, PersonKey>();
  private readonly byKey = new Map<string, Set<string>>();
  private bare = new Map<string, BareKey>();
  private readonly byBare = new Map<string, Set<string>>();
  /**
   * member id → keyed hash of their national ID number (căn cước công dân), and back: one number
   * is one person, whatever the branch, so a second member with it is the same person entered twice.
   */
  private nationalIds = new Map<string, string>();
  private readonly holders = new Map<string, string>();

  constructor(secret?: string) {
    this.secret = secret ?? randomBytes(32).toString('hex');
  }

  private hash(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url');
  }

  /** The person key of a name and date of birth. */
  personOf(fullName: string, dateOfBirth: string): string {
    return this.hash(JSON.stringify([namesakeKey(fullName), dateOfBirth]));
  }

  /** The person key and the bare key of a name and date of birth. */
  keysOf(fullName: string, dateOfBirth: string): PersonKeys {
    return { person: this.personOf(fullName, dateOfBirth), bare: [this.hash(JSON.stringify(['bare', bareNamesakeKey(fullName), dateOfBirth])), typedWithoutMarks(fullName)] };
  }

  private slot(branchId: string, person: string) {
    return `${branchId}\u0000${person}`;
  }

  /** The personal data of an admission or a correction, as the log opened it (sealed or absent: no key). */
  keyed(memberId: string, branchId: string, personal: unknown) {
    if (this.persons.get(memberId) === null) return;
    const p = plain(personal);
    this.set(memberId, branchId, p ? this.keysOf(p.fullName, p.dateOfBirth) : undefined);
    // A correction without the number (or sealed data this process cannot open) keeps what was known.
    if (p?.nationalId) this.setNationalId(memberId, this.nationalIdKey(p.nationalId));
  }

  erased(memberId: string, branchId: string) {
    this.set(memberId, branchId, undefined);
    this.persons.set(memberId, null);
    this.setNationalId(memberId, undefined);
  }

  /** The member (personal data not erased) who has this national ID number, if any. */
  holderOf(nationalId: string): string | undefined {
    return this.holders.get(this.nationalIdKey(nationalId));
  }

  nationalIdKey(nationalId: string): string {
    return this.hash(JSON.stringify(['national-id', nationalId.trim()]));
  }

  private setNationalId(memberId: string, key: string | undefined) {
    const before = this.nationalIds.get(memberId);
    if (before !== undefined && this.holders.get(before) === memberId) this.holders.delete(before);
    if (key === undefined) {
      this.nationalIds.delete(memberId);
      return;
    }
    this.nationalIds.set(memberId, key);
    if (!this.holders.has(key)) this.holders.set(key, memberId);
  }

  /** The member's home branch changed. */
  moved(memberId: string, from: string, to: string) {
    const person = this.persons.get(memberId);
    if (!person || from === to) return;
    const bare = this.bare.get(memberId);
    this.unslot(memberId, from, person, bare);
    this.add(memberId, to, person, bare);
  }

  private set(memberId: string, branchId: string, keys: PersonKeys | undefined) {
    const before = this.persons.get(memberId);
    if (before) this.unslot(memberId, branchId, before, this.bare.get(memberId));
    if (keys === undefined) {
      this.persons.delete(memberId);
      this.bare.delete(memberId);
    } else this.add(memberId, branchId, keys.person, keys.bare);
  }

  private unslot(memberId: string, branchId: string, person: string, bare: BareKey | undefined) {
    this.byKey.get(this.slot(branchId, person))?.delete(memberId);
    if (bare) this.byBare.get(this.slot(branchId, bare[0]))?.delete(memberId);
  }

  private add(memberId: string, branchId: string, person: string, bare: BareKey | undefined) {
    this.persons.set(memberId, person);
    const slot = this.slot(branchId, person);
    (this.byKey.get(slot) ?? this.byKey.set(slot, new Set()).get(slot)!).add(memberId);
    if (!bare) return;
    this.bare.set(memberId, bare);
    const bareSlot = this.slot(branchId, bare[0]);
    (this.byBare.get(bareSlot) ?? this.byBare.set(bareSlot, new Set()).get(bareSlot)!).add(memberId);
  }

  /** Members of the branch (any status) with this name and date of birth, personal data not erased. */
  membersNamed(branchId: string, fullName: string, dateOfBirth: string): string[] {
    return this.membersNamedIn([branchId], fullName, dateOfBirth);
  }

  /**
   * Members of any of these branches with this name and date of birth (an import's look across its
   * unit): by the name as typed, and by its bare key where one of the two names has no mark.
   */
  membersNamedIn(branchIds: Iterable<string>, fullName: string, dateOfBirth: string): string[] {
    const { person, bare } = this.keysOf(fullName, dateOfBirth);
    const found = new Set<string>();
    for (const branchId of branchIds) {
      for (const id of this.byKey.get(this.slot(branchId, person)) ?? []) found.add(id);
      for (const id of this.byBare.get(this.slot(branchId, bare[0])) ?? []) if (bare[1] || this.bare.get(id)?.[1]) found.add(id);
    }
    return [...found];
  }

  toJSON(): NamesakeIndexJson {
    return { keyCheck: this.hash(KEY_CHECK), persons: [...this.persons], nationalIds: [...this.nationalIds], bare: [...this.bare] };
  }

  /** Copies of the index as it stands, the order of each slot's members included. */
  snapshotData(): NamesakeIndexData {
    const copy = (slots: Map<string, Set<string>>) => new Map([...slots].map(([slot, ids]) => [slot, [...ids]]));
    return { keyCheck: this.hash(KEY_CHECK), persons: new Map(this.persons), byKey: copy(this.byKey), nationalIds: new Map(this.nationalIds), bare: new Map(this.bare), byBare: copy(this.byBare) };
  }

  /** Puts back what snapshotData gave (taken under this index's key: `accepts` first). */
  restoreData(data: NamesakeIndexData) {
    this.persons = new Map(data.persons);
    this.byKey.clear();
    for (const [slot, ids] of data.byKey) this.byKey.set(slot, new Set(ids));
    this.bare = new Map(data.bare);
    this.byBare.clear();
    for (const [slot, ids] of data.byBare) this.byBare.set(slot, new Set(ids));
    this.restoreNationalIds(data.nationalIds);
  }

  private restoreNationalIds(entries: Iterable<[string, string]>) {
    this.nationalIds = new Map();
    this.holders.clear();
    for (const [memberId, key] of entries) this.setNationalId(memberId, key);
  }

  /** Whether a snapshot's index was taken under this index's key (else the directory replays the log). */
  accepts(json: Pick<NamesakeIndexJson, 'keyCheck'> | undefined): boolean {
    return json?.keyCheck === this.hash(KEY_CHECK);
  }

  /** Resumes from a snapshot's index, given each member's home branch. */
  restore(json: NamesakeIndexJson, branchOf: (memberId: string) => string | undefined) {
    this.persons = new Map();
    this.byKey.clear();
    this.bare = new Map();
    this.byBare.clear();
    const bare = new Map(json.bare ?? []);
    for (const [memberId, person] of json.persons) {
      const branchId = branchOf(memberId);
      if (person === null) this.persons.set(memberId, null);
      else if (branchId !== undefined) this.add(memberId, branchId, person, bare.get(memberId));
    }
    this.restoreNationalIds(json.nationalIds ?? []);
  }
}

/**
 * The first of a batch's or a file's applicants for each person, compared as the index compares
 * members: by the name as typed, and by its bare key where one of the two names has no mark.
 * Plain keys, not hashes: it lives for one request.
 */
export class FirstNamesakes<T> {
  private readonly exact = new Map<string, T>();
  private readonly bare = new Map<string, Array<{ value: T; unmarked: boolean }>>();

  /** The first one recorded in `scope` (a branch, or '' for a whole file) who is this person, if any. */
  find(scope: string, fullName: string, dateOfBirth: string): T | undefined {
    const exact = this.exact.get(JSON.stringify([scope, namesakeKey(fullName), dateOfBirth]));
    if (exact !== undefined) return exact;
    const unmarked = typedWithoutMarks(fullName);
    return this.bare.get(JSON.stringify([scope, bareNamesakeKey(fullName), dateOfBirth]))?.find((seen) => unmarked || seen.unmarked)?.value;
  }

  /** Records an applicant (the first for their exact key stays). */
  add(scope: string, fullName: string, dateOfBirth: string, value: T): void {
    const exact = JSON.stringify([scope, namesakeKey(fullName), dateOfBirth]);
    if (!this.exact.has(exact)) this.exact.set(exact, value);
    const bare = JSON.stringify([scope, bareNamesakeKey(fullName), dateOfBirth]);
    this.bare.set(bare, [...(this.bare.get(bare) ?? []), { value, unmarked: typedWithoutMarks(fullName) }]);
  }
}
