import { DomainEvent, EventSchemas, Upcaster } from '@register/event-sourcing';
import { EVALUATION_SCHEMA_VERSIONS } from '@register/contracts';
import { parseRatingId } from '../domain/periods';
import { scaleInUse } from '../domain/scales';

/**
 * CommendationIssued 1 → 2. Version 1 took `awardRef` as free text, never checked against training's
 * awards, so no award's text is known for it: `award` reads null, and `awardRef` stays as written.
 * The stored event is never rewritten.
 */
export const commendationIssuedV1: Upcaster = {
  type: 'CommendationIssued',
  fromVersion: 1,
  keepsType: true,
  upcast: (e: DomainEvent) => ({ type: e.type, data: { ...(e.data as object), award: null } }),
};

/**
 * RatingChangeProposed, -Approved, -Rejected 1 → 2. Version 2 names the rating's subject, year and
 * scale, so that other services apply a change without the rating's earlier events; version 1 named
 * only the rating, whose id holds the subject and the year (`branch.2024.b-1`), and its scale is the
 * one in use for that subject and year. A version-1 event recorded after the fields were added keeps
 * its own.
 */
const ratingChangeV1 = (type: string): Upcaster => ({
  type,
  fromVersion: 1,
  keepsType: true,
  upcast: (e: DomainEvent) => {
    const data = e.data as { ratingId: string };
    const rating = parseRatingId(data.ratingId);
    const year = rating ? Number(rating.periodKey.slice(0, 4)) : undefined;
    const derived = rating && year !== undefined ? { subjectType: rating.subjectType, subjectId: rating.subjectId, year, scale: scaleInUse(rating.subjectType, year) } : {};
    return { type: e.type, data: { ...derived, ...data } };
  },
});
export const ratingChangeUpcasters = ['RatingChangeProposed', 'RatingChangeApproved', 'RatingChangeRejected'].map(ratingChangeV1);

/** The evaluation log's event schemas (versions, upcasters): the service, its read models and the rebuild CLI read events through them. */
export const evaluationSchemas = new EventSchemas(EVALUATION_SCHEMA_VERSIONS, [commendationIssuedV1, ...ratingChangeUpcasters]);
