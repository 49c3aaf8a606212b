import { causedBy, CommandContext, RecordedEvent } from '@register/event-sourcing';

/**
 * The command context for a reaction of `group` to another service's event. Its command id is
 * `<group>:<eventId>`: the CommandHandler records it in the same transaction as the append, so a
 * redelivered event appends nothing twice, with no processed-ids table of our own.
 */
export function reactionContext(group: string, event: RecordedEvent, reason = `reaction to ${event.type}`): CommandContext {
  return {
    commandId: `${group}:${event.eventId}`,
    actor: `service:${group}`,
    reason,
    effectiveDate: event.metadata.effectiveDate,
    ...causedBy(event),
  };
}
