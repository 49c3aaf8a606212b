import { DomainEvent } from '@register/event-sourcing';
import { EvaluationEvent } from '@register/contracts';
import { PeopleReplica } from './people-replica';

/**
 * Folds one of evaluation's published events into the replica: a branch's decided rating of a year,
 * and an approved change of it, are what a merger or split carries (the dry run's ratingsCarried).
 */
export function applyEvaluationEvent(people: PeopleReplica, event: DomainEvent): void {
  const e = event as EvaluationEvent;
  if (e.type === 'RatingDecided' && e.data.subjectType === 'branch') people.addRating(e.data.subjectId, { year: e.data.year, scale: e.data.scale, grade: e.data.grade });
  if (e.type === 'RatingChangeApproved' && e.data.subjectType === 'branch') people.addRating(e.data.subjectId, { year: e.data.year, scale: e.data.scale, grade: e.data.toGrade });
}
