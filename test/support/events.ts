import { randomUUID } from 'node:crypto';
import { EventToAppend } from '@register/event-sourcing';

/** An event ready to append, with plausible metadata, for store and bus tests. */
export function anEvent(type = 'SomethingHappened', data: Record<string, unknown> = {}, schemaVersion = 1): EventToAppend {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion,
    data,
    metadata: { actor: 'test:tester', reason: 'contract test', effectiveDate: '2026-11-25', correlationId: randomUUID() },
  };
}
