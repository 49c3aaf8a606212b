import { deciderOf, ConflictError, RuleViolation } from '@register/event-sourcing';
import { Consent, Decision, MemberEvent, PersonalData } from '@register/contracts';
import { ageOn } from '../domain/dates';
import { BranchStatusFact, MergerAfter } from '../domain/facts';
import { Member, memberAggregate } from '../domain/member';
import { mergerMoves } from '../domain/moves-taken-back';
import { checkBranch } from '../domain/rules';

/** Kết nạp đoàn viên: aged 16 to 30 on the day, into an active branch, confirmed by a decision of the level above. */
export type AdmitMember = {
  type: 'AdmitMember';
  memberId: string;
  branchId: string;
  /** From the replica of organisation's events. */
  branchStatus: BranchStatusFact;
  /** The mergers that closed the branch after the admission's day, recorded already: the member moves with each. */
  branchMergers?: MergerAfter[];
  personal: PersonalData;
  admittedOn: string;
  /** The register's today (its Clock): nobody is admitted who is not born yet. */
  today: string;
  /** The request's effectiveDate, when given (the admission takes effect on admittedOn otherwise). */
  effectiveOn?: string;
  decision?: Decision;
  introducerId?: string;
  /**
   * The introducer on the admission day, from their stream: in the union then or not; null when the
   * register has no such member; absent when not gathered (not checked).
   */
  introducer?: { inUnion: boolean } | null;
  consent?: Consent;
};

export const ADMISSION_MIN_AGE = 16;
export const ADMISSION_MAX_AGE = 30;

/**
 * A date of birth to come is a typo (2180 for 1980): taken, it made a pending member of someone
 * admitted in 2200, whom a branch's counts then held.
 */
export function checkBorn(dateOfBirth: string, today: string): void {
  if (dateOfBirth > today) throw new RuleViolation('day-not-come', `dateOfBirth ${dateOfBirth} has not come yet (today is ${today}): check the year`, { field: 'dateOfBirth', dateOfBirth });
}

/** An applicant is introduced by a member of the union (domain.md: one who has known them for 3 months). */
function checkIntroducer(c: AdmitMember): void {
  if (c.introducerId === undefined || c.introducer === undefined) return;
  if (c.introducer === null) throw new RuleViolation('introducer-unknown', `introducerId ${c.introducerId} is not a member of the register`, { field: 'introducerId' });
  if (!c.introducer.inUnion) throw new RuleViolation('introducer-not-a-member', `member ${c.introducerId} was not in the union on ${c.admittedOn}: an applicant is introduced by a member`, { field: 'introducerId' });
}

/** The decisions on the admission, over the member's stream. */
export const admissionDecider = deciderOf(memberAggregate, decideAdmission);

export function decideAdmission(c: AdmitMember, s: Member): MemberEvent[] {
  if (s.exists) throw new ConflictError('member-id-taken', `member ${c.memberId} already exists`);
  checkBranch(c.branchId, c.branchStatus, 'branch', c.admittedOn);
  checkBorn(c.personal.dateOfBirth, c.today);
  const age = ageOn(c.personal.dateOfBirth, c.admittedOn);
  if (c.personal.dateOfBirth > c.admittedOn) {
    throw new RuleViolation('admission-age', `the applicant is born on ${c.personal.dateOfBirth}, after the admission on ${c.admittedOn}: check dateOfBirth and admittedOn`, { dateOfBirth: c.personal.dateOfBirth });
  }
  if (age < ADMISSION_MIN_AGE || age > ADMISSION_MAX_AGE) {
    throw new RuleViolation('admission-age', `a member is admitted aged ${ADMISSION_MIN_AGE} to ${ADMISSION_MAX_AGE}; this applicant is ${age} on ${c.admittedOn}`, { age });
  }
  if (c.effectiveOn !== undefined && c.effectiveOn < c.admittedOn) {
    // Taking effect earlier would list the member in the rosters of days before their admission.
    throw new RuleViolation('effective-before-admission', `the admission is dated ${c.effectiveOn}, before the member is admitted on ${c.admittedOn}: leave effectiveDate out or date it on or after admittedOn`);
  }
  const merger = c.branchMergers?.[0];
  if (merger && c.effectiveOn !== undefined && c.effectiveOn >= merger.on) {
    // In force only from then, the admission would place the member in the branch after the merger closed it (a probe's did, the move dated before it).
    throw new RuleViolation('branch-not-active', `branch ${c.branchId} was merged into ${merger.intoBranchId} on ${merger.on}: an admission in force from ${c.effectiveOn}, on or after it, would place the member in it after it closed; leave effectiveDate out, date it before ${merger.on}, or admit them into ${merger.intoBranchId}`, { branchId: c.branchId, field: 'effectiveDate' });
  }
  if (c.consent && c.consent.purposes.length === 0) throw new RuleViolation('consent-needs-a-purpose', 'consent is given for named purposes');
  if (c.introducerId === c.memberId) throw new RuleViolation('introducer-is-applicant', 'an applicant cannot introduce themselves');
  checkIntroducer(c);
  return [
    {
      type: 'MemberAdmitted',
      data: {
        memberId: c.memberId,
        branchId: c.branchId,
        admittedOn: c.admittedOn,
        ...(c.decision ? { decision: c.decision } : {}),
        ...(c.introducerId ? { introducerId: c.introducerId } : {}),
        ...(c.consent ? { consent: c.consent } : {}),
        personal: c.personal,
      },
    },
    ...mergerMoves(c.memberId, c.branchId, c.branchMergers),
  ];
}

