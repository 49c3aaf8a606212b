import { ConflictError, deciderOf, RuleViolation } from '@register/event-sourcing';
import { CommendationIssued, CommendationOccasion, RatingSubject } from '@register/contracts';
import { commendationAggregate, Recorded } from '../domain/recognition';
import { SubjectFacts } from '../ratings/record-rating';

/**
 * Tuyên dương, khen thưởng: a unit commends a branch, member or officer for a year, on an
 * occasion; a competition's award may be cited. The facts about the subject come with the command.
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
  awardRef: string | null;
  subject: SubjectFacts;
};

export const commendationDecider = deciderOf(commendationAggregate, decideCommendation);

export function decideCommendation(c: IssueCommendation, s: Recorded): CommendationIssued[] {
  if (s.exists) throw new ConflictError('already-issued', `commendation ${c.commendationId} was issued already`);
  if (!c.subject.existed) throw new RuleViolation('subject-did-not-exist', `${c.subjectType} ${c.subjectId} did not exist in ${c.year}`);
  if (!c.subject.placement.unitIds.includes(c.issuedByUnitId)) {
    throw new RuleViolation('issuer-not-above', `unit ${c.issuedByUnitId} is not above ${c.subjectType} ${c.subjectId}: a commendation is issued by a unit the subject belongs to`);
  }
  const { commendationId, subjectType, subjectId, year, occasion, title, issuedByUnitId, awardRef } = c;
  return [{ type: 'CommendationIssued', data: { commendationId, subjectType, subjectId, year, occasion, title, issuedByUnitId, awardRef, placement: c.subject.placement } }];
}
