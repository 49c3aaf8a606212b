import { DomainEvent, EventSchemas, Upcaster } from '@register/event-sourcing';
import { EVALUATION_SCHEMA_VERSIONS } from '@register/contracts';

/**
 * CommendationIssued 1 → 2. Version 1 took `awardRef` as free text, never checked against training's
 * awards, so no award's text is known for it: `award` reads null, and `awardRef` stays as written.
 * The stored event is never rewritten.
 */
export const commendationIssuedV1: Upcaster = {
  type: 'CommendationIssued',
  fromVersion: 1,
  upcast: (e: DomainEvent) => ({ type: e.type, data: { ...(e.data as object), award: null } }),
};

/** The evaluation log's event schemas (versions, upcasters): the service, its read models and the rebuild CLI read events through them. */
export const evaluationSchemas = new EventSchemas(EVALUATION_SCHEMA_VERSIONS, [commendationIssuedV1]);
