/**
 * The personnel service's published events (topic `register.personnel.events`), version 1:
 * members (đoàn viên) and branch officers (bí thư, phó bí thư). Other services depend on these
 * shapes: change them only by adding a new version and an upcaster.
 *
 * Personal data. Everything that identifies a person (name, date of birth, gender, ethnicity,
 * phone, national id) travels only inside the `personal` field of MemberAdmitted and
 * MemberPersonalDataCorrected, never in any other field, id or stream name. That makes
 * crypto-shredding possible without rewriting the log: at rest the store may replace `personal`
 * by a SealedPersonalData (AES-256-GCM under a key of that one member, kept in a key table outside
 * the log; see libs/personal-data/src/sealing.ts). Deleting the member's key makes
 * the personal data unreadable for ever, while every event, its hash chain and its metadata stay.
 * A reader that finds no key sees `personal: null` (ERASED) and must cope. The free text of an
 * event about a member (metadata `reason`, a decision's `number` and `issuedBy`) is sealed the same
 * way: as published it reads "[sealed]", the original in `metadata.sealedText`; see
 * libs/personal-data/src/free-text.ts.
 */
import { DomainEvent } from '@register/event-sourcing';

export const PERSONNEL_TOPIC = 'register.personnel.events';
export const memberStream = (memberId: string) => `member-${memberId}`;
/** One stream per branch: concurrent appointments to one branch conflict on its revision. */
export const branchOfficersStream = (branchId: string) => `branch-officers-${branchId}`;

export const GENDERS = ['male', 'female', 'other'] as const;
export type Gender = (typeof GENDERS)[number];

/** The personal details of a member: the only part of the log that can be shredded. */
export interface PersonalData {
  /** NFC, with diacritics, as the member writes it. */
  fullName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  gender: Gender;
  ethnicity?: string;
  phone?: string;
  nationalId?: string;
}

/** PersonalData encrypted with the member's own key (crypto-shredding). */
export interface SealedPersonalData {
  sealed: 'aes-256-gcm/v1';
  /** Which key of the key table; the member's id in v1. */
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export const MEMBER_STATUSES = ['active', 'away-work', 'away-study', 'came-of-age', 'left', 'unassigned'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const OFFICER_ROLES = ['secretary', 'deputy-secretary'] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];

/** elected at a congress; appointed by the level above; interim (lâm thời) until a congress is held. */
export const APPOINTMENT_METHODS = ['elected', 'appointed', 'interim'] as const;
export type AppointmentMethod = (typeof APPOINTMENT_METHODS)[number];

/** Where the register found the officer: districts compare which sources work. */
export const OFFICER_SOURCES = [
  'civil-servant',
  'teacher',
  'demobilised-soldier',
  'young-party-member',
  'public-body-cadre',
  'commune-police',
  'militia',
  'business-member',
  'commune-administrative-branch',
  'other',
] as const;
export type OfficerSource = (typeof OFFICER_SOURCES)[number];

/**
 * Why an officer left, as asked at departure: the reasons the field reports name (away for work or
 * study far from home, resigned, relieved, term ended, came of age, moved up to a post above).
 */
export const PERSONAL_DEPARTURE_CAUSES = ['away-work', 'away-study', 'resigned', 'relieved', 'term-ended', 'came-of-age', 'moved-up'] as const;
/** A reorganisation ends the posts of the branches it absorbs (personnel's reactions record them). */
export const REORGANISATION_DEPARTURE_CAUSES = ['merger', 'split', 'dissolution'] as const;
/**
 * Every cause an OfficerDeparted (version 2) carries. `unknown`: the reason was not given, or the
 * departure was recorded as `resigned` in version 1, when that was the only word for leaving of
 * one's own accord (away for work or study included): version 1 events are read that way.
 */
export const DEPARTURE_CAUSES = [...PERSONAL_DEPARTURE_CAUSES, ...REORGANISATION_DEPARTURE_CAUSES, 'unknown'] as const;
export type DepartureCause = (typeof DEPARTURE_CAUSES)[number];
export type PersonalDepartureCause = (typeof PERSONAL_DEPARTURE_CAUSES)[number];

export const TRANSFER_CAUSES = ['transfer', 'merger', 'split'] as const;
export type TransferCause = (typeof TRANSFER_CAUSES)[number];

export interface Decision {
  number: string;
  issuedBy?: string;
  date?: string;
}

/** The member's consent to the processing of their personal data, and its purposes (Decree 356/2025). */
export interface Consent {
  /** YYYY-MM-DD */
  givenOn: string;
  purposes: string[];
}

/** Kết nạp: confirmed by a decision of the level above; aged 16 to 30 on `admittedOn`. */
export type MemberAdmitted = DomainEvent<
  'MemberAdmitted',
  { memberId: string; branchId: string; admittedOn: string; decision?: Decision; introducerId?: string; consent?: Consent; personal: PersonalData | SealedPersonalData | null }
>;
export type MemberPersonalDataCorrected = DomainEvent<'MemberPersonalDataCorrected', { memberId: string; personal: PersonalData | SealedPersonalData | null }>;
/** The member asked for deletion: their key is destroyed, so every `personal` of theirs in the log is unreadable. */
export type MemberPersonalDataErased = DomainEvent<'MemberPersonalDataErased', { memberId: string; erasedOn: string }>;
/**
 * Chuyển sinh hoạt: dues settled up to `duesSettledUpTo` (version 2: null when the transfer did not
 * say; version 1 always named a day); a merger or split moves members too.
 */
export type MemberTransferred = DomainEvent<
  'MemberTransferred',
  { memberId: string; fromBranchId: string; toBranchId: string; transferredOn: string; duesSettledUpTo: string | null; cause: TransferCause }
>;
/**
 * A merger or split recorded after the member had already left the closing branch: from `movedOn`
 * until `until` (the day of their later change of branch, recorded before it) they belonged to
 * `toBranchId`, not to the closed `fromBranchId`. Where they are since `until` does not change.
 */
export type MemberMovedForPeriod = DomainEvent<
  'MemberMovedForPeriod',
  { memberId: string; fromBranchId: string; toBranchId: string; movedOn: string; until: string; cause: 'merger' | 'split' }
>;
/**
 * A dissolution recorded after the member had already left the dissolved branch: from `on` until
 * `until` (the day of their later change of branch, recorded before it) they were unassigned, where
 * the branch's other members were. Where they are since `until` does not change.
 */
export type MemberUnassignedForPeriod = DomainEvent<'MemberUnassignedForPeriod', { memberId: string; fromBranchId: string; on: string; until: string }>;
/**
 * A member's leaving (or coming of age), or transfer of their own, recorded after a merger or split
 * had moved them, dated before it: the move did not happen to them. From `movedOn` they stay in
 * `toBranchId`, not in `fromBranchId`, the reorganisation's successor: the branch they left the
 * union from, or the transfer's target. Recorded with the status change or just after the transfer
 * that says so (dated `leftOn`), one for each such move, the latest first.
 */
export type MemberMoveTakenBack = DomainEvent<
  'MemberMoveTakenBack',
  { memberId: string; fromBranchId: string; toBranchId: string; movedOn: string; leftOn: string; cause: 'merger' | 'split' }
>;
export type MemberStatusChanged = DomainEvent<
  'MemberStatusChanged',
  { memberId: string; branchId: string; status: MemberStatus; previousStatus: MemberStatus; changedOn: string }
>;
/** A member who stays in the union past 30 on request, up to 35 (`until` is the day before the 35th birthday). */
export type MemberStayExtended = DomainEvent<'MemberStayExtended', { memberId: string; requestedOn: string; until: string }>;

/** A member who works or studies elsewhere may also take part in the branch where they live (null: no longer). */
export type MemberResidentialAffiliationSet = DomainEvent<'MemberResidentialAffiliationSet', { memberId: string; branchId: string | null; since: string }>;
/** Giới thiệu đoàn viên ưu tú cho Đảng, and what the Party decided. */
export type MemberIntroducedToParty = DomainEvent<'MemberIntroducedToParty', { memberId: string; introducedOn: string }>;
export type MemberPartyOutcomeRecorded = DomainEvent<'MemberPartyOutcomeRecorded', { memberId: string; outcome: 'admitted' | 'not-admitted'; decidedOn: string }>;

export type MemberEvent = MemberAdmitted | MemberPersonalDataCorrected | MemberPersonalDataErased | MemberTransferred | MemberMovedForPeriod | MemberUnassignedForPeriod | MemberMoveTakenBack | MemberStatusChanged | MemberStayExtended | MemberResidentialAffiliationSet | MemberIntroducedToParty | MemberPartyOutcomeRecorded;

export type OfficerAppointed = DomainEvent<
  'OfficerAppointed',
  {
    branchId: string;
    memberId: string;
    role: OfficerRole;
    method: AppointmentMethod;
    startsOn: string;
    source: OfficerSource;
    /** Interim officers: the congress must be held by this date (6 months at most). */
    congressDeadline?: string;
    termEndsOn?: string;
  }
>;
export type OfficerDeparted = DomainEvent<'OfficerDeparted', { branchId: string; memberId: string; role: OfficerRole; endsOn: string; cause: DepartureCause }>;

/**
 * An officer's post that a reorganisation ended (a merger, split or dissolution, recorded already,
 * on `previousEndsOn`) had ended earlier, on `endsOn`, for a reason of the officer's own (`cause`):
 * they left the post, or the union, before the reorganisation. The post's end moves back to that day.
 */
export type OfficerDepartureBroughtForward = DomainEvent<
  'OfficerDepartureBroughtForward',
  { branchId: string; memberId: string; role: OfficerRole; endsOn: string; previousEndsOn: string; cause: PersonalDepartureCause | 'unknown' }
>;

export type BranchOfficersEvent = OfficerAppointed | OfficerDeparted | OfficerDepartureBroughtForward;
export type PersonnelEvent = MemberEvent | BranchOfficersEvent;

export const PERSONNEL_SCHEMA_VERSIONS: Record<PersonnelEvent['type'], number> = {
  MemberAdmitted: 1,
  MemberPersonalDataCorrected: 1,
  MemberPersonalDataErased: 1,
  // 2: `duesSettledUpTo` may be null (the transfer did not say); every version-1 event reads as it is.
  MemberTransferred: 2,
  MemberMovedForPeriod: 1,
  MemberUnassignedForPeriod: 1,
  MemberMoveTakenBack: 1,
  MemberStatusChanged: 1,
  MemberStayExtended: 1,
  MemberResidentialAffiliationSet: 1,
  MemberIntroducedToParty: 1,
  MemberPartyOutcomeRecorded: 1,
  OfficerAppointed: 1,
  // 2: the cause takes the reasons asked at departure; version 1's `resigned` reads as `unknown`.
  OfficerDeparted: 2,
  OfficerDepartureBroughtForward: 1,
};
