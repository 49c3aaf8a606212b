import { DomainEvent } from '@register/event-sourcing';
import { EvaluationEvent } from '@register/contracts';
import { BranchReplica } from '../application/branch-replica';

/**
 * Folds one of evaluation's published events into the branch replica: a branch's decided rating,
 * and an approved change of it, become its last rating (what the direct-election rule reads).
 */
export function applyEvaluationEvent(replica: BranchReplica, event: DomainEvent): void {
  const e = event as EvaluationEvent;
  // By the day each took effect: a congress of a past day is judged by the rating of then.
  const on = (event as { metadata?: { effectiveDate?: string } }).metadata?.effectiveDate ?? null;
  if (e.type === 'RatingDecided' && e.data.subjectType === 'branch') replica.recordRating(e.data.subjectId, e.data.grade, e.data.year, on);
  if (e.type === 'RatingChangeApproved' && e.data.subjectType === 'branch') replica.recordRating(e.data.subjectId, e.data.toGrade, e.data.year, on);
}
