import { EventToAppend, RecordedEvent } from './envelope';

/** `number`: the revision of the stream's last event; 'no_stream': it must not exist yet; 'any': no check. */
export type ExpectedRevision = number | 'no_stream' | 'any';

/**
 * A command id and whose it is. A caller's Idempotency-Key is theirs alone: the same key from two
 * callers names two commands. The register's own ids (reactions: `<group>:<eventId>`) have no caller.
 */
export interface CommandRef {
  commandId: string;
  caller?: string;
}

export interface CommandRecord extends CommandRef {
  streamId: string;
  /** Revision of the last event the command appended (-1 when it appended none). */
  revision: number;
  position: number;
  /** What the caller sent, hashed: the same id with another request is refused. */
  fingerprint?: string;
}

export interface AppendOptions {
  /** Record the command so that a retry appends nothing (see CommandHandler). */
  command?: CommandRef & { fingerprint?: string };
}

/** One stream's part of a multi-stream append (EventStore.appendMany). */
export interface StreamAppend {
  streamId: string;
  events: EventToAppend[];
  /** A revision or a new stream: a batch never appends blind ('any'). */
  expected: number | 'no_stream';
  options?: AppendOptions;
}

export interface AppendResult {
  /** Revision of the last appended event: the stream's new expected revision. */
  revision: number;
  /** Global position of the last appended event. */
  position: number;
}

export interface ReadStreamOptions {
  /** Start at this revision (inclusive); 0 when absent. */
  fromRevision?: number;
  /** Stop after this revision (inclusive). */
  toRevision?: number;
  /** Only what the register had recorded by this instant: the basis of every `asOf` read. */
  recordedUpTo?: Date;
}

export interface Subscription {
  /** Resolves once the subscription has stopped and its handler is no longer called. */
  stop(): Promise<void>;
  /** Resolves when the subscription stops by itself with an error (the handler threw). */
  readonly done: Promise<void>;
}

export interface SubscribeOptions {
  /** Events per read while catching up. */
  batchSize?: number;
  /** Upper bound on the wait for new events when the store cannot push a notification. */
  pollMs?: number;
  /**
   * The types the handler acts on, as this store hands them over: a hint. Every event is still
   * handed over, in order; a store may spare the others work they would not use (the sealing store
   * does not open their free text).
   */
  types?: readonly string[];
}

/** Called for each event in position order; the subscription waits for it before the next. */
export type EventHandler = (event: RecordedEvent) => Promise<void> | void;

/**
 * What a reader of the global log needs of it. `types`: the stored event types it handles, a hint
 * that lets a store skip the others where it reads (SQL: rows of other types are passed over in the
 * scan, never sent or decoded), or not (a store may ignore it). A filtered page that is not full
 * means no event of those types up to the head as read then: a reader that moves its position to
 * the head must take the head before its first page (sql-schema.ts: once a position is visible,
 * every lower one is), not from the last event it got. Types as stored: a reader of upcast events
 * asks its upcasting store, which widens them (EventSchemas.storedTypesOf).
 */
export interface ReadAllOptions {
  types?: readonly string[];
}

/**
 * The port every event-store adapter implements (PostgreSQL, PGlite, EventStoreDB), checked by
 * one contract suite in test/contract. Services only ever see this interface.
 */
export interface EventStore {
  append(streamId: string, events: EventToAppend[], expected: ExpectedRevision, options?: AppendOptions): Promise<AppendResult>;
  /**
   * Optional: several streams' appends in one transaction, all or none, each stream at its expected
   * revision (a batch of commands decided together: one statement where the store can). A stream that
   * moved fails the whole batch with WrongExpectedRevisionError, a command id already recorded with
   * DuplicateCommandError; neither need name the item (append item by item to learn which).
   * Results in the order of `appends`. appendEach falls back to one append per stream.
   */
  appendMany?(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * A page of the global log: events with position > `after`, in position order. With `types`, the
   * store may leave out events of other types (a filtered page ends before the head: see ReadAllOptions).
   */
  readAll(after: number, limit: number, options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch up from `after` (exclusive), then follow live, calling `handler` once per event in order. */
  subscribe(after: number, handler: EventHandler, options?: SubscribeOptions): Subscription;
  /** The command recorded under this id for this caller (none: the register's own ids), if any. */
  findCommand(command: CommandRef): Promise<CommandRecord | undefined>;
  /** Optional: the commands recorded under any of these ids for this caller, in one query where the store can (findCommandsOf falls back). */
  findCommands?(commandIds: readonly string[], caller?: string): Promise<CommandRecord[]>;
  /**
   * Optional: records a command that appended nothing (the state it asked for was there), so that a
   * retry under its id is answered as it was, and the id is not taken by another request later.
   * Answers undefined when recorded now, or the record an earlier command keeps under that id.
   */
  recordCommand?(record: CommandRecord): Promise<CommandRecord | undefined>;
  /** Position of the last event in the global log (0 when empty). */
  /** The newest position this store appended or heard appended, with no query (SQL stores: the embedded start's heads); absent where it cannot say. */
  readonly appendedUpTo?: number;
  headPosition(): Promise<number>;
  /**
   * Optional: calls `listener` whenever the log may have moved (an append through this instance, or
   * another process's, where the store can tell). Lets in-memory folds skip a round trip per read;
   * a store without it is simply read each time.
   */
  watch?(listener: () => void): () => void;
  /**
   * Optional: the log after `after` in pages (as readAll gives them, up to `until`), read ahead on
   * another thread where the store can: a long catch-up (a rebuild) then works on one page while
   * the next ones are read and decoded beside it. Stopping the iteration stops the reading. With
   * `types`, a page holds at most `pageSize` events and may hold fewer while more follow.
   */
  readPages?(after: number, pageSize: number, until?: number, options?: ReadAllOptions): AsyncIterable<RecordedEvent[]>;
  /**
   * Optional: every event of these streams, in position order, in one query where the store can
   * (an `asOf` read of a unit reads its members' streams, not the log). readStreamsOf falls back
   * to one readStream per stream.
   */
  readStreams?(streamIds: readonly string[]): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

/** The events of these streams in position order: one query where the store has readStreams, else stream by stream. */
export async function readStreamsOf(store: EventStore, streamIds: readonly string[]): Promise<RecordedEvent[]> {
  if (streamIds.length === 0) return [];
  if (store.readStreams) return store.readStreams(streamIds);
  const streams = await Promise.all([...new Set(streamIds)].map((id) => store.readStream(id)));
  return streams.flat().sort((a, b) => a.position - b.position);
}

/**
 * Several streams' appends: in one transaction where the store has appendMany; else one append per
 * stream, in order, each atomic alone (a failure leaves the ones before it appended: with command
 * ids, appending the batch again item by item finds them recorded).
 */
export async function appendEach(store: EventStore, appends: readonly StreamAppend[]): Promise<AppendResult[]> {
  if (appends.length === 0) return [];
  if (store.appendMany) return store.appendMany(appends);
  const results: AppendResult[] = [];
  for (const a of appends) results.push(await store.append(a.streamId, a.events, a.expected, a.options));
  return results;
}

/** The commands recorded under any of these ids for this caller: one query where the store has findCommands, else one look-up per id. */
export async function findCommandsOf(store: EventStore, commandIds: readonly string[], caller?: string): Promise<CommandRecord[]> {
  if (commandIds.length === 0) return [];
  if (store.findCommands) return store.findCommands(commandIds, caller);
  const found = await Promise.all(commandIds.map((commandId) => store.findCommand({ commandId, caller })));
  return found.filter((r): r is CommandRecord => r !== undefined);
}

/** Thrown by `append` when another command already used this command id. */
export class DuplicateCommandError extends Error {
  constructor(readonly commandId: string) {
    super(`command ${commandId} was already handled`);
    this.name = 'DuplicateCommandError';
  }
}
