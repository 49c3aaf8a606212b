import { calendarDayOf, causedBy, CommandContext, CommandHandler, Decider, DomainEvent, EventMetadata, EventStore, RecordedEvent } from '@register/event-sourcing';
import { KeyVault } from './sealing';

/** The stream, in a service's own log, of its record of a member's erasure. */
export const memberErasureStream = (memberId: string) => `erased-member-${memberId}`;

/** Whether a service has carried a member's erasure into its own log. */
export interface MemberErasure {
  erased: boolean;
}

/**
 * A service's decider for its record of a member's erasure (one stream per member): the event
 * `record` makes, once; personnel's erasure delivered again (a replay, a redelivery) records nothing more.
 */
export function erasureDecider<C, E extends DomainEvent>(record: (command: C) => E): Decider<C, E, MemberErasure> {
  return { initialState: () => ({ erased: false }), evolve: () => ({ erased: true }), decide: (command, state) => (state.erased ? [] : [record(command)]) };
}

/** How one service carries personnel's erasure of a member into its own log. */
export interface ErasureReaction<C> {
  /** The service's log, opened (its free text sealed under `keys`). */
  store: EventStore;
  handler: CommandHandler;
  /** Absent where the log is not sealed (EventStoreDB): nothing to shred. */
  keys?: KeyVault | null;
  actor: string;
  decider: Decider<C, DomainEvent, MemberErasure>;
  /**
   * Read once the member's keys are shredded (their own, and those of text naming them with others,
   * `linkedKeys`): the command recording the erasure, which names what it cleared.
   */
  gather(memberId: string, linkedKeys: string[]): Promise<C>;
  /** Told once the erasure is recorded (the embedded start then replaces its snapshot file, which held the text). */
  recorded?(): void;
}

type Delivered = RecordedEvent & { metadata?: Partial<EventMetadata> };

/**
 * Personnel's MemberPersonalDataErased, carried into another service's log: the member's key there
 * is shredded first (what is appended from then on is written "[erased]", what was sealed reads
 * "[erased]"), then the keys of text naming them with others, then the erasure is recorded. Each step is
 * idempotent (a shredded row is not written again; the stream says the erasure is recorded), so a
 * redelivered or replayed erasure changes nothing, and a crash between two steps is finished by the next delivery.
 */
export async function carryErasure<C>(event: Delivered, reaction: ErasureReaction<C>): Promise<void> {
  if (event.type !== 'MemberPersonalDataErased' || !event.eventId) return;
  const memberId = (event.data as { memberId: string }).memberId;
  const stream = memberErasureStream(memberId);
  if ((await reaction.store.readStream(stream)).length > 0) {
    // Replayed (a start from an older snapshot file, which may still hold the text): that file is replaced too.
    reaction.keys?.erased(memberId);
    return reaction.recorded?.();
  }
  await reaction.keys?.shred(memberId);
  // After the member's own key: an event naming them with others, sealed from now on, is written "[erased]" rather than linked.
  const linked = (await reaction.keys?.linkedKeys(memberId)) ?? [];
  if (linked.length > 0) await reaction.keys?.shred(...linked); // one statement for them all
  await reaction.handler.handle(reaction.decider, stream, await reaction.gather(memberId, linked), contextOf(event, reaction.actor));
  reaction.recorded?.();
}

function contextOf(event: Delivered, actor: string): CommandContext {
  // Personnel's reason and decision are sealed under its own key (their text reads "[sealed]" here): only the erasure's id is carried.
  const { decision: _sealed, ...cause } = causedBy(event as { eventId: string; metadata?: Partial<EventMetadata> });
  return {
    actor,
    reason: `MemberPersonalDataErased ${event.eventId}`,
    effectiveDate: event.metadata?.effectiveDate ?? calendarDayOf(new Date(event.recordedAt ?? Date.now())),
    ...cause,
    commandId: `${event.eventId}:erase-text`,
  };
}
