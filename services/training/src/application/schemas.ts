import { DomainEvent, EventSchemas, Upcaster } from '@register/event-sourcing';
import { TRAINING_SCHEMA_VERSIONS } from '@register/contracts';

/**
 * AttendanceRecorded and CourseCancelled 1 → 2: `participantIds`, whom the event's reason may name.
 * Version 1 did not say: attendance reads with its present members, a cancellation with none. The
 * stored event is never rewritten.
 */
const withParticipants = (type: string, of: (data: Record<string, unknown>) => string[]): Upcaster => ({
  type,
  fromVersion: 1,
  keepsType: true,
  upcast: (e: DomainEvent) => {
    const data = e.data as Record<string, unknown>;
    return { type: e.type, data: { participantIds: of(data), ...data } };
  },
});
export const participantUpcasters = [withParticipants('AttendanceRecorded', (d) => (d.presentMemberIds as string[]) ?? []), withParticipants('CourseCancelled', () => [])];

/** The training log's event schemas (versions, upcasters): the service, its read models and the rebuild CLI read events through them. */
export const trainingSchemas = new EventSchemas(TRAINING_SCHEMA_VERSIONS, participantUpcasters);
