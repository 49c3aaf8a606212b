import { randomUUID } from 'node:crypto';
import { answerOfRecord, CommandContext, CommandHandler, CommandResult } from './command-handler';
import { Decider, foldRecorded } from './decider';
import { DomainEvent, RecordedEvent } from './envelope';
import { ConflictError, NotFoundError, RuleViolation, WrongExpectedRevisionError } from './errors';
import { appendEach, DuplicateCommandError, EventStore, findCommandsOf, readStreamsOf, StreamAppend } from './event-store';

/** One command of a batch, on a stream of its own (a batch names a stream once). */
export interface BatchItem<C> {
  streamId: string;
  command: C;
  /** What this item's context has of its own (an admission takes effect on its own day). */
  context?: Pick<CommandContext, 'effectiveDate'>;
}

/** What a refused item answers: the rule, and the HTTP status a single command would have had (a race lost again and again is its 409). */
export type Refusal = RuleViolation | ConflictError | NotFoundError | WrongExpectedRevisionError;

/** Each item's outcome, in the batch's order: its result (appended, or answered before), or its refusal. */
export type BatchOutcome = { index: number; streamId: string; result: CommandResult; refusal?: undefined } | { index: number; streamId: string; refusal: Refusal; result?: undefined };

const isRefusal = (error: unknown): error is Refusal => error instanceof RuleViolation || error instanceof ConflictError || error instanceof NotFoundError || error instanceof WrongExpectedRevisionError;

/**
 * Commands decided together and appended in one transaction (EventStore.appendMany): the streams
 * are read in one query, each command is decided on its own stream's state, and every decision
 * that stands is appended at once, so that a batch costs about one command's statements, not one
 * command's each (docs/scale.md). A refused command refuses itself alone. Each item is recorded
 * under its own command id (`<the batch's id>#<index>`), so a retried batch answers the items
 * appended before and decides the rest; a batch that loses a race on one of its streams (or meets
 * an item recorded since) is run again item by item through the one command path, which answers
 * each exactly as a single command would.
 */
export async function runBatch<C, E extends DomainEvent, S>(handler: CommandHandler, store: EventStore, decider: Decider<C, E, S>, items: readonly BatchItem<C>[], context: CommandContext): Promise<BatchOutcome[]> {
  assertStreamsOnce(items);
  const batchId = context.commandId ?? `batch:${randomUUID()}`;
  // No If-Match: a batch names many streams, each decided on the revision it reads.
  const contextOf = (index: number): CommandContext => ({ ...context, ...items[index].context, expectedRevision: undefined, commandId: `${batchId}#${index}`, correlationId: context.correlationId ?? batchId });
  const outcomes = new Map<number, BatchOutcome>();
  // A batch without an Idempotency-Key has a random id: nothing can have been recorded under it.
  const earlier = context.commandId ? await answeredBefore(store, items, contextOf, context.caller) : [];
  for (const o of earlier) outcomes.set(o.index, o);
  const pending = items.map((item, index) => ({ ...item, index })).filter((i) => !outcomes.has(i.index));
  const states = await statesOf(store, decider, pending.map((i) => i.streamId));
  const decided: Array<{ index: number; append: StreamAppend }> = [];
  const unchanged: Array<{ index: number; streamId: string; revision: number }> = [];
  for (const item of pending) {
    const { state, revision } = states.get(item.streamId) ?? { state: decider.initialState(), revision: -1 };
    try {
      handler.assertDecisionIssued(contextOf(item.index));
      const events = decider.decide(item.command, state).map((e) => handler.envelope(e, contextOf(item.index)));
      if (events.length === 0) unchanged.push({ index: item.index, streamId: item.streamId, revision });
      else decided.push({ index: item.index, append: { streamId: item.streamId, events, expected: revision === -1 ? 'no_stream' : revision, options: { command: { commandId: `${batchId}#${item.index}`, caller: context.caller, fingerprint: context.fingerprint } } } });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      outcomes.set(item.index, { index: item.index, streamId: item.streamId, refusal: error });
    }
  }
  // An item that records nothing is answered as a single command is (CommandHandler.unchanged), the head read once.
  const head = unchanged.length ? await store.headPosition() : 0;
  const results = await Promise.all(unchanged.map(({ streamId, revision, index }) => handler.unchanged(streamId, revision, contextOf(index), head)));
  unchanged.forEach(({ index, streamId }, k) => outcomes.set(index, { index, streamId, result: results[k] }));
  for (const o of await appendDecided(handler, store, decider, decided, items, contextOf)) outcomes.set(o.index, o);
  return items.map((_, index) => outcomes.get(index)!);
}

/** The items a retried batch appended before (by their command ids), answered as a single command answers its retry. */
async function answeredBefore<C>(store: EventStore, items: readonly BatchItem<C>[], contextOf: (index: number) => CommandContext, caller?: string): Promise<BatchOutcome[]> {
  const ids = items.map((_, index) => contextOf(index).commandId!);
  const indexOf = new Map(ids.map((id, index) => [id, index]));
  return (await findCommandsOf(store, ids, caller)).map((record) => {
    const index = indexOf.get(record.commandId)!;
    return { index, streamId: record.streamId, result: answerOfRecord(record, contextOf(index)) };
  });
}

/** Each stream's state and revision, from one read of all of them. */
async function statesOf<E extends DomainEvent, S>(store: EventStore, decider: Decider<unknown, E, S>, streamIds: readonly string[]): Promise<Map<string, { state: S; revision: number }>> {
  const byStream = new Map<string, RecordedEvent[]>();
  for (const e of await readStreamsOf(store, streamIds)) {
    const events = byStream.get(e.streamId);
    if (events) events.push(e);
    else byStream.set(e.streamId, [e]);
  }
  return new Map([...byStream].map(([id, events]) => [id, { state: foldRecorded(decider, events), revision: events[events.length - 1].revision }]));
}

/** The decisions appended in one transaction; on a lost race or an item recorded meanwhile, item by item through the command path. */
async function appendDecided<C, E extends DomainEvent, S>(
  handler: CommandHandler,
  store: EventStore,
  decider: Decider<C, E, S>,
  decided: Array<{ index: number; append: StreamAppend }>,
  items: readonly BatchItem<C>[],
  contextOf: (index: number) => CommandContext,
): Promise<BatchOutcome[]> {
  if (decided.length === 0) return [];
  try {
    const results = await appendEach(store, decided.map((d) => d.append));
    return decided.map((d, k) => ({ index: d.index, streamId: d.append.streamId, result: { streamId: d.append.streamId, ...results[k], events: d.append.events, duplicate: false } }));
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError || error instanceof DuplicateCommandError)) throw error;
  }
  const outcomes: BatchOutcome[] = [];
  for (const { index } of decided) {
    const { streamId, command } = items[index];
    try {
      outcomes.push({ index, streamId, result: await handler.handle(decider, streamId, command, contextOf(index)) });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      outcomes.push({ index, streamId, refusal: error });
    }
  }
  return outcomes;
}

/**
 * runBatch for items that may name a stream twice (a request's list): an item naming the stream of
 * an earlier one is refused by `repeated` (and the earlier decided), the rest run as one batch.
 * Outcomes in the items' order, indexed as given.
 */
export async function runBatchOnce<C, E extends DomainEvent, S>(
  handler: CommandHandler,
  store: EventStore,
  decider: Decider<C, E, S>,
  items: readonly BatchItem<C>[],
  context: CommandContext,
  repeated: (index: number, first: number) => Refusal,
): Promise<BatchOutcome[]> {
  const first = new Map<string, number>();
  items.forEach(({ streamId }, index) => first.has(streamId) || first.set(streamId, index));
  const once = items.map((item, index) => ({ item, index })).filter(({ item, index }) => first.get(item.streamId) === index);
  const outcomes = await runBatch(handler, store, decider, once.map((o) => o.item), context);
  const byIndex = new Map(outcomes.map((o, k) => [once[k].index, { ...o, index: once[k].index }]));
  return items.map((item, index) => byIndex.get(index) ?? { index, streamId: item.streamId, refusal: repeated(index, first.get(item.streamId)!) });
}

function assertStreamsOnce(items: readonly BatchItem<unknown>[]) {
  const seen = new Set<string>();
  for (const { streamId } of items) {
    if (seen.has(streamId)) throw new Error(`runBatch: stream ${streamId} twice in one batch`);
    seen.add(streamId);
  }
}
