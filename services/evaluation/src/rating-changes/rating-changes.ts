import { ConflictError, deciderOf, NotFoundError, RuleViolation } from '@register/event-sourcing';
import { RatingEvent } from '@register/contracts';
import { changeIdOf } from '../domain/periods';
import { PendingChange, Rating, ratingAggregate } from '../domain/rating';
import { isGradeOf } from '../domain/scales';

/** A change of a decided rating, proposed by `actor`: one at a time. */
export type ProposeRatingChange = { type: 'ProposeRatingChange'; ratingId: string; grade: string; actor: string; /** The day it takes effect. */ on?: string };
/** Approval or rejection of a proposed change, by another person than the proposer (four eyes). */
export type SettleRatingChange = { type: 'SettleRatingChange'; ratingId: string; changeId: string; outcome: 'approval' | 'rejection'; actor: string; /** The day it takes effect. */ on?: string };

export const proposalDecider = deciderOf(ratingAggregate, decideProposal);
export const settlementDecider = deciderOf(ratingAggregate, decideSettlement);

export function decideProposal(c: ProposeRatingChange, s: Rating): RatingEvent[] {
  if (!s.exists) throw new NotFoundError('rating', c.ratingId);
  if (s.decided === null || s.scale === null) throw new RuleViolation('not-decided', `rating ${c.ratingId} has no decision yet: there is nothing to change`);
  if (!isGradeOf(s.scale, c.grade)) throw new RuleViolation('grade-not-in-scale', `${c.grade} is not a grade of the ${s.scale} scale this rating uses`);
  if (c.grade === s.decided) throw new RuleViolation('same-grade', `rating ${c.ratingId} is already ${c.grade}`);
  // A change takes effect after the grade it changes: before, a report of the days between counted it off a grade not yet given (a probe read -1).
  if (c.on !== undefined && c.on < s.decidedOn) {
    throw new RuleViolation('change-before-decision', `the change takes effect on ${c.on}, before the grade it changes (${s.decided}, in effect from ${s.decidedOn}): date it (effectiveDate) on or after that day`, { decidedOn: s.decidedOn });
  }
  if (s.pending) throw new ConflictError('change-pending', `change ${s.pending.changeId} of this rating awaits approval or rejection`, { changeId: s.pending.changeId });
  const facts = { ratingId: c.ratingId, changeId: changeIdOf(s.changes + 1, c.ratingId), ...subjectOf(s), fromGrade: s.decided, toGrade: c.grade, proposedBy: c.actor };
  return [{ type: 'RatingChangeProposed', data: facts }];
}

export function decideSettlement(c: SettleRatingChange, s: Rating): RatingEvent[] {
  const pending = pendingChange(c, s);
  if (c.on !== undefined && c.on < pending.proposedOn) {
    throw new RuleViolation('settled-before-proposal', `change ${c.changeId} was proposed on ${pending.proposedOn}: its ${c.outcome} (effectiveDate) is dated on or after that day, not ${c.on}`, { proposedOn: pending.proposedOn });
  }
  if (pending.proposedBy === c.actor) throw new RuleViolation('four-eyes', `${c.actor} proposed change ${c.changeId}: another person approves or rejects it`);
  const facts = { ratingId: c.ratingId, changeId: pending.changeId, ...subjectOf(s), fromGrade: pending.fromGrade, toGrade: pending.toGrade, proposedBy: pending.proposedBy };
  if (c.outcome === 'approval') return [{ type: 'RatingChangeApproved', data: { ...facts, approvedBy: c.actor } }];
  return [{ type: 'RatingChangeRejected', data: { ...facts, rejectedBy: c.actor } }];
}

/** Whose rating, on which scale: carried by each change, for the services that learn of it. */
const subjectOf = (s: Rating) => ({ subjectType: s.subjectType!, subjectId: s.subjectId, year: s.year, scale: s.scale! });

function pendingChange(c: SettleRatingChange, s: Rating): PendingChange {
  if (s.pending?.changeId === c.changeId) return s.pending;
  if (s.settled.includes(c.changeId)) throw new ConflictError('change-settled', `change ${c.changeId} was already approved or rejected`);
  throw new NotFoundError('rating-change', c.changeId);
}
