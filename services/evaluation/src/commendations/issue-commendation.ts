import { ConflictError, deciderOf, RuleViolation } from '@register/event-sourcing';
import { CommendationIssued, CommendationOccasion, RatingSubject } from '@register/contracts';
import { AwardFacts } from '../domain/awards';
import { commendationAggregate, Recorded } from '../domain/recognition';
import { SubjectFacts } from '../ratings/record-rating';

/**
 * Tuyên dương, khen thưởng: a unit commends a branch, member or officer for a year, on an
 * occasion; a competition's award may be cited. The facts about the subject, and the cited award
 * as evaluation heard it from training (`award`: null when not heard), come with the command.
 */
export type IssueCommendation = {
  type: 'IssueCommendation';
  commendationId: string;
  subjectType: RatingSubject;
  subjectId: string;
  year: number;
  occasion: CommendationOccasion;
  title: string;
  issuedByUnitId: string;
  /** Whether the register knows the issuing unit (evaluation's replica); absent: not checked. */
  issuerKnown?: boolean;
  /** The day the issuing unit was closed, when that was by the commendation's day. */
  issuerClosedOn?: string;
  /** The units that may issue it: those above the subject that day, and the successors of those merged away by then; absent, the subject's units. */
  issuers?: string[];
  awardRef: string | null;
  award: AwardFacts | null;
  subject: SubjectFacts;
  /** The day the command is decided: a year is commended once it has begun, as it is rated. */
  today: string;
  /** The commendation's day (its effective date); absent: today. Issued once made, never ahead. */
  on?: string;
};

export const commendationDecider = deciderOf(commendationAggregate, decideCommendation);

export function decideCommendation(c: IssueCommendation, s: Recorded): CommendationIssued[] {
  if (c.on !== undefined && c.on > c.today) throw new RuleViolation('day-not-come', `${c.on} has not come yet (today is ${c.today}): a commendation is recorded once issued`, { field: 'effectiveDate' });
  if (c.year > Number(c.today.slice(0, 4))) throw new RuleViolation('year-not-come', `${c.year} has not come yet (today is ${c.today}): a year is commended once it has begun`, { year: c.year });
  if (!c.subject.existed) throw new RuleViolation('subject-did-not-exist', c.subjectType === 'officer' ? `member ${c.subjectId} held no post of a branch in ${c.year}` : `${c.subjectType} ${c.subjectId} did not exist in ${c.year}`);
  if (c.issuerKnown === false) throw new RuleViolation('issuer-unknown', `unit ${c.issuedByUnitId} (issuedByUnitId) is not known to the register`, { unitId: c.issuedByUnitId });
  // A body closed by the day issues nothing (a probe recorded commendations of a commune merged away, and of one dissolved).
  if (c.issuerClosedOn !== undefined) throw new RuleViolation('issuer-closed', `unit ${c.issuedByUnitId} was closed on ${c.issuerClosedOn}: the unit that took it over issues it`, { unitId: c.issuedByUnitId });
  if (!(c.issuers ?? c.subject.placement.unitIds).includes(c.issuedByUnitId)) {
    throw new RuleViolation('issuer-not-above', `unit ${c.issuedByUnitId} is not above ${c.subjectType} ${c.subjectId}: a commendation is issued by a unit the subject belongs to`);
  }
  const award = c.awardRef === null ? null : citedAward(c, c.awardRef);
  // After the rules: a commendation that could not be issued is refused for what is wrong with it.
  if (s.exists) throw new ConflictError('already-issued', `commendation ${c.commendationId} was issued already (the same id, or the same ${c.awardRef ? 'award' : 'subject, year, occasion and title'} from unit ${c.issuedByUnitId})`);
  const { commendationId, subjectType, subjectId, year, occasion, title, issuedByUnitId, awardRef } = c;
  return [{ type: 'CommendationIssued', data: { commendationId, subjectType, subjectId, year, occasion, title, issuedByUnitId, awardRef, award, placement: c.subject.placement } }];
}

/** A cited award is one training gave to this very member (or officer: a member too), commended for the competition. */
function citedAward(c: IssueCommendation, awardRef: string): string {
  if (c.award === null) throw new RuleViolation('unknown-award', `no competition award ${awardRef} is known to evaluation from training's published results`, { awardRef });
  if (c.occasion !== 'competition') throw new RuleViolation('award-needs-competition', `a commendation citing award ${awardRef} is for the occasion 'competition', not '${c.occasion}'`, { awardRef });
  if (c.subjectType === 'branch' || c.subjectId !== c.award.memberId) {
    throw new RuleViolation('award-of-another-member', `award ${awardRef} was given to member ${c.award.memberId}, not to ${c.subjectType} ${c.subjectId}`, { awardRef, memberId: c.award.memberId });
  }
  const awardYear = c.award.heldOn ? Number(c.award.heldOn.slice(0, 4)) : c.year;
  if (awardYear !== c.year) {
    throw new RuleViolation('award-of-another-year', `award ${awardRef} was given at a competition held on ${c.award.heldOn}: a commendation citing it is for ${awardYear}, not ${c.year}`, { awardRef, year: awardYear });
  }
  return c.award.award;
}
