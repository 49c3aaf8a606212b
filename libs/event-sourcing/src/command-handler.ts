import { randomUUID } from 'node:crypto';
import { Decider, Evolver, foldRecorded } from './decider';
import { DecisionRef, DomainEvent, EventMetadata, EventToAppend } from './envelope';
import { AppendOptions, CommandRecord, EventStore } from './event-store';
import { RuleViolation, WrongExpectedRevisionError } from './errors';
import { EventSchemas } from './upcasting';
import { calendarDayOf } from './calendar-day';

/** Who asks, why, and how the request wants concurrency and retries handled. */
export interface CommandContext {
  actor: string;
  reason: string;
  decision?: DecisionRef;
  /** YYYY-MM-DD; today when absent. */
  effectiveDate?: string;
  correlationId?: string;
  causationId?: string;
  /** A reaction's: whose change caused it (EventMetadata.onBehalfOf). */
  onBehalfOf?: string;
  /** A retried command with the same id (from the same caller) appends nothing and gets the first answer. */
  commandId?: string;
  /** Whose id `commandId` is (an Idempotency-Key's sender); absent for the register's own ids. */
  caller?: string;
  /** Hash of the request behind `commandId`: the same id with another request is refused. */
  fingerprint?: string;
  /** The revision the caller last saw (HTTP If-Match): no silent retry then. */
  expectedRevision?: number;
}

export interface CommandResult {
  streamId: string;
  /** Revision of the stream's last event after the command (-1: no stream). */
  revision: number;
  /** Global position of the last appended event (0 when nothing was appended). */
  position: number;
  events: EventToAppend[];
  /** True when this answer repeats an earlier command with the same id. */
  duplicate: boolean;
}

/** Where a command's state comes from: a stream read per command, or a fold kept in memory. */
export interface StateSource<S> {
  load(): Promise<{ state: S; revision: number }>;
  /** Called once the decided events are appended (a fold in memory catches up with them). */
  appended?(): Promise<void>;
}

export interface CommandHandlerOptions {
  /** How many times a command is re-decided after losing a race on its stream. */
  maxRetries?: number;
  clock?: () => Date;
  newId?: () => string;
}

/**
 * Load, decide, append with the expected revision. A lost race (another writer appended first)
 * re-runs the decision on the fresh state a bounded number of times, unless the caller pinned the
 * revision it saw: then the conflict is the caller's to resolve.
 */
export class CommandHandler {
  private readonly maxRetries: number;
  private readonly clock: () => Date;
  private readonly newId: () => string;

  constructor(
    private readonly store: EventStore,
    private readonly schemas: EventSchemas = new EventSchemas(),
    options: CommandHandlerOptions = {},
  ) {
    this.maxRetries = options.maxRetries ?? 3;
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
  }

  async handle<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string, command: C, context: CommandContext): Promise<CommandResult> {
    return this.run(decider, streamId, command, context, { load: () => this.load(decider, streamId) });
  }

  /**
   * The one command path: an earlier answer to the same command id is answered again; otherwise
   * decide on the state the source gives and append with its revision as the expected one. A lost
   * race re-decides on a fresh state (unless the caller pinned the revision it saw), and a twin of
   * this command that won the race has its answer given instead of an error.
   */
  async run<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string, command: C, context: CommandContext, source: StateSource<S>, maxRetries = this.maxRetries): Promise<CommandResult> {
    const earlier = await this.earlierAnswer(context);
    if (earlier) return earlier;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(decider, streamId, command, context, source);
      } catch (error) {
        const twin = await this.earlierAnswer(context);
        if (twin) return twin;
        const mayRetry = context.expectedRevision === undefined && attempt < maxRetries;
        if (!(error instanceof WrongExpectedRevisionError) || !mayRetry) throw error;
      }
    }
  }

  /** The state of a stream folded from its events, with its revision (-1 when it does not exist). */
  async load<E extends DomainEvent, S>(decider: Evolver<E, S>, streamId: string, recordedUpTo?: Date) {
    const events = await this.store.readStream(streamId, { recordedUpTo });
    return { state: foldRecorded(decider, events), revision: events.length ? events[events.length - 1].revision : -1, events };
  }

  private async attempt<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string, command: C, context: CommandContext, source: StateSource<S>): Promise<CommandResult> {
    this.assertDecisionIssued(context);
    const { state, revision } = await source.load();
    if (context.expectedRevision !== undefined && context.expectedRevision !== revision) {
      // Named by its stream (member-m-1, course-c-1): the ETag a read of it gave is its revision.
      throw new WrongExpectedRevisionError(streamId, String(context.expectedRevision), String(revision), streamId);
    }
    const events = decider.decide(command, state).map((e) => this.envelope(e, context));
    if (events.length === 0) return this.unchanged(streamId, revision, context);
    const appended = await this.store.append(streamId, events, revision === -1 ? 'no_stream' : revision, { command: commandToRecord(context) });
    await source.appended?.();
    return { streamId, revision: appended.revision, position: appended.position, events, duplicate: false };
  }

  /**
   * A command that appends nothing: the state asked for is there already, made by an event the read
   * models may not have applied yet, so its position is the log's head (as `minPosition`, it reads
   * back what the caller asked for). Under an id (an Idempotency-Key) the command is recorded all the
   * same: a retry after someone else's change is answered as it was, not decided again into a change
   * (a black-box probe's retry undid another officer's change). `head`: the log's head, read once for
   * a batch's items.
   */
  async unchanged(streamId: string, revision: number, context: CommandContext, head?: number): Promise<CommandResult> {
    const position = head ?? (await this.store.headPosition());
    const command = commandToRecord(context);
    const earlier = command && (await this.store.recordCommand?.({ ...command, streamId, revision, position }));
    return earlier ? answerOfRecord(earlier, context) : { streamId, revision, position, events: [], duplicate: false };
  }

  /** Before deciding: a command that changes nothing is refused a decision still to come as one that does (a batch's items too). */
  assertDecisionIssued(context: CommandContext): void {
    if (context.decision?.date !== undefined) checkDecisionIssued(context.decision, this.today());
  }

  /** Gives a decided event its id, schema version and metadata. */
  envelope(event: DomainEvent, context: CommandContext): EventToAppend {
    // Only a dated decision asks the clock here: the check is per event, and most events carry none.
    if (context.decision?.date !== undefined) checkDecisionIssued(context.decision, this.today());
    return {
      eventId: this.newId(),
      type: event.type,
      schemaVersion: this.schemas.versionOf(event.type),
      data: event.data,
      metadata: {
        actor: context.actor,
        reason: context.reason,
        ...(context.decision ? { decision: context.decision } : {}),
        effectiveDate: event.effectiveOn ?? context.effectiveDate ?? this.today(),
        correlationId: context.correlationId ?? context.commandId ?? this.newId(),
        ...(context.causationId ? { causationId: context.causationId } : {}),
        ...(context.onBehalfOf ? { onBehalfOf: context.onBehalfOf } : {}),
        ...(context.commandId ? { commandId: context.commandId } : {}),
      },
    };
  }

  private today(): string {
    return calendarDayOf(this.clock());
  }

  private earlierAnswer(context: CommandContext): Promise<CommandResult | undefined> {
    return earlierAnswer(this.store, context);
  }
}

/**
 * The answer a command with this id was given before, if it ran: a retry gets it again. The same
 * id with another request (another fingerprint) is refused, not answered with the first's result.
 */
export async function earlierAnswer(store: Pick<EventStore, 'findCommand'>, context: CommandContext): Promise<CommandResult | undefined> {
  if (!context.commandId) return undefined;
  const record = await store.findCommand({ commandId: context.commandId, caller: context.caller });
  return record ? answerOfRecord(record, context) : undefined;
}

/** A recorded command's answer to its retry, refused when the retry is another request under the same id. */
export function answerOfRecord(record: CommandRecord, context: CommandContext): CommandResult {
  assertSameRequest(record, context);
  return { streamId: record.streamId, revision: record.revision, position: record.position, events: [], duplicate: true };
}

function assertSameRequest(record: CommandRecord, context: CommandContext) {
  if (record.fingerprint && context.fingerprint && record.fingerprint !== context.fingerprint) {
    // Names no key: the answer must never show another caller's key or id.
    throw new RuleViolation('idempotency-key-reused', 'this Idempotency-Key was already used for a different request');
  }
}

/** What the store records of a command so that its retry appends nothing: its id, its caller, its fingerprint. */
export function commandToRecord(context: CommandContext): AppendOptions['command'] {
  return context.commandId ? { commandId: context.commandId, caller: context.caller, fingerprint: context.fingerprint } : undefined;
}

/**
 * What a reaction's command carries of the event that caused it: the event's id, its correlation
 * and decision, and the person behind it (`onBehalfOf`: the causing event's own, else its actor), so
 * that an auditor sees who started a chain of reactions without following causation ids.
 */
export function causedBy(event: { eventId: string; metadata?: Partial<EventMetadata> }): Pick<CommandContext, 'causationId' | 'correlationId' | 'decision' | 'onBehalfOf'> {
  const m = event.metadata ?? {};
  const person = m.onBehalfOf ?? m.actor;
  return {
    causationId: event.eventId,
    ...(m.correlationId ? { correlationId: m.correlationId } : {}),
    ...(m.decision ? { decision: m.decision } : {}),
    ...(person ? { onBehalfOf: person } : {}),
  };
}

/**
 * A decision is recorded once issued: one dated later (2200 for 2020) is a typo that would stand in
 * the signed log as the authority for a change. Checked where every command's events are made.
 */
export function checkDecisionIssued(decision: DecisionRef | undefined, today: string): void {
  if (decision?.date === undefined || decision.date <= today) return;
  throw new RuleViolation('decision-not-issued', `decisionRef.date ${decision.date} has not come yet (today is ${today}): a decision is recorded once it is issued; check the year`, { field: 'decisionRef.date', date: decision.date });
}
