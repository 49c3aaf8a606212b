import { RecordedEvent } from '@register/event-sourcing';

/** Who recorded a fact, why, under which decision and when: what every list of evaluation shows. */
export const recordedBy = (e: RecordedEvent) => ({
  actor: e.metadata.actor,
  reason: e.metadata.reason,
  decision: e.metadata.decision ?? null,
  effectiveDate: e.metadata.effectiveDate,
  recordedAt: e.recordedAt,
});
