import {
  ANY,
  AllStreamResolvedEvent,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  ResolvedEvent,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  AppendOptions,
  AppendResult,
  CommandRecord,
  CommandRef,
  DuplicateCommandError,
  EventHandler,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  WrongExpectedRevisionError,
} from '@register/event-sourcing';
import { ChainHead, chainEvents, EMPTY_CHAIN } from './eventstoredb-chain';

/** Streams the adapter keeps for itself: one per handled command, to answer retries. */
const COMMAND_STREAM = 'register_command-';

/**
 * The stream of a command: the register's own ids as they always were; a caller's key under
 * `by~<caller>~<key>`, both percent-encoded, so that no caller's key can name another's record
 * (issue 14, hole 11). Records of callers' keys made before that, under `<caller>:<key>`, are no
 * longer looked up.
 */
const commandStream = ({ commandId, caller }: CommandRef) => COMMAND_STREAM + (caller === undefined ? commandId : `by~${encodeURIComponent(caller)}~${encodeURIComponent(commandId)}`);

type AllPosition = { commit: bigint; prepare: bigint };
type JsonRecorded = { streamId: string; id: string; revision: bigint; type: string; created: Date; data: unknown; metadata: unknown; position?: { commit: bigint } };

/**
 * EventStoreDB through @eventstore/db-client (gRPC). Written against the client's documented API;
 * it cannot run on our CI machines, so the contract suite runs against it only when EVENTSTORE_URL
 * is set. Our global position is the commit position of the server's transaction file.
 *
 * Idempotent commands: event ids are the ones the kernel gave, and the command is recorded in a
 * stream of its own right after the append. The two writes are not atomic (EventStoreDB has no
 * multi-stream transaction); a crash between them leaves the command unrecorded, and its retry is
 * then decided afresh against the stream's new revision, as for any other command.
 */
export class EventStoreDbEventStore implements EventStore {
  /** `prefix` namespaces one service's streams, so that services can share a server but not a log. */
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly prefix = '',
  ) {}

  static connect(connectionString: string, prefix = ''): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), prefix);
  }

  /**
   * The hash chain, carried in each event's metadata (`chain`): appends of this process chain one
   * after another (the queue), from the last chained event of the log. EventStoreDB has no
   * transaction across streams, so two processes writing one service's log would fork it: on
   * EventStoreDB one process writes each service's log. Not run here (docs/verifiable-log.md).
   */
  private chainHead?: Promise<ChainHead>;
  private appending: Promise<unknown> = Promise.resolve();

  append(streamId: string, events: EventToAppend[], expected: ExpectedRevision, options: AppendOptions = {}): Promise<AppendResult> {
    const turn = this.appending.then(() => this.appendChained(streamId, events, expected, options));
    this.appending = turn.catch(() => undefined);
    return turn;
  }

  private async appendChained(streamId: string, events: EventToAppend[], expected: ExpectedRevision, options: AppendOptions): Promise<AppendResult> {
    const expectedRevision = expected === 'any' ? ANY : expected === 'no_stream' ? NO_STREAM : BigInt(expected);
    this.chainHead ??= this.lastChained();
    const chained = chainEvents(await this.chainHead, this.prefix + streamId, events);
    const data = chained.events.map((e) => jsonEvent({ id: e.eventId, type: e.type, data: e.data as never, metadata: { ...e.metadata, schemaVersion: e.schemaVersion, chain: e.chain } }));
    try {
      const result = await this.client.appendToStream(this.prefix + streamId, data, { expectedRevision });
      this.chainHead = Promise.resolve(chained.head);
      const answer = { revision: Number(result.nextExpectedRevision), position: Number(result.position?.commit ?? 0n) };
      if (options.command) await this.keepCommand({ ...options.command, streamId, ...answer });
      return answer;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new WrongExpectedRevisionError(streamId, String(expected), String(error.actualVersion));
      throw error;
    }
  }

  /** The chain's head: the newest event of this log that carries one (looked for among the last thousand). */
  private async lastChained(): Promise<ChainHead> {
    for await (const resolved of this.client.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1000 })) {
      const chain = (this.inLog(resolved)?.metadata as { chain?: ChainHead } | undefined)?.chain;
      if (chain) return { seq: chain.seq, hash: chain.hash, version: chain.version ?? 1 };
    }
    return EMPTY_CHAIN;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(this.prefix + streamId, { fromRevision: options.fromRevision ? BigInt(options.fromRevision) : START, direction: FORWARDS })) {
        const event = this.ours(resolved);
        if (!event) continue;
        if (options.toRevision !== undefined && event.revision > options.toRevision) break;
        if (options.recordedUpTo && new Date(event.recordedAt) > options.recordedUpTo) break;
        events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /**
   * A page of this service's log: `limit` of its events, fewer only at the end of $all. $all also
   * holds system events, command records and other services' events (a shared server), so it is
   * read in chunks from where the last chunk ended until the page is full: a runner takes a short
   * page for the end of the log and moves its checkpoint to the head it took first (ReadAllOptions).
   * The types are not asked of the server (the client's readAll has no filter): every event comes.
   */
  async readAll(after: number, limit: number): Promise<RecordedEvent[]> {
    const page: RecordedEvent[] = [];
    const chunk = limit * 2 + 10;
    let from: AllPosition | undefined = after === 0 ? undefined : { commit: BigInt(after), prepare: BigInt(after) };
    for (;;) {
      let read = 0;
      const start = from;
      for await (const resolved of this.client.readAll({ fromPosition: from ?? START, direction: FORWARDS, maxCount: chunk })) {
        read += 1;
        from = (resolved.event as { position?: AllPosition } | undefined)?.position ?? from;
        const event = this.inLog(resolved);
        // A chunk starts at the last one's end, inclusive: the event there is passed over again.
        if (!event || event.position <= (page.at(-1)?.position ?? after)) continue;
        page.push(event);
        if (page.length === limit) return page;
      }
      if (read < chunk || from === start) return page; // the end of $all (or a chunk that did not move on)
    }
  }

  subscribe(after: number, handler: EventHandler, _options?: SubscribeOptions): Subscription {
    const fromPosition = after === 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };
    const subscription = this.client.subscribeToAll({ fromPosition, filter: excludeSystemEvents() });
    let stopped = false;
    const done = (async () => {
      for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
        if (stopped) break;
        const event = this.inLog(resolved);
        if (!event || event.position <= after) continue;
        await handler(event);
      }
    })();
    return {
      done,
      async stop() {
        stopped = true;
        await subscription.unsubscribe();
        await done.catch(() => undefined);
      },
    };
  }

  async findCommand(command: CommandRef): Promise<CommandRecord | undefined> {
    const [record] = await this.readStream(commandStream(command)); // read under our prefix
    return record ? (record.data as CommandRecord) : undefined;
  }

  async headPosition(): Promise<number> {
    for await (const resolved of this.client.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 50 })) {
      const event = this.inLog(resolved);
      if (event) return event.position;
    }
    return 0;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  /** This service's event with the prefix taken off; undefined for others', system events and command records. */
  private ours(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
    const event = toRecorded(resolved);
    if (!event || event.type.startsWith('$') || !event.streamId.startsWith(this.prefix)) return undefined;
    const streamId = event.streamId.slice(this.prefix.length);
    return { ...event, streamId };
  }

  /** Like `ours`, without the command records: what the global log shows. */
  private inLog(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
    const event = this.ours(resolved);
    return event && !event.streamId.startsWith(COMMAND_STREAM) ? event : undefined;
  }

  /** A command that appended nothing, kept as an appending one is (its own stream, created once). */
  async recordCommand(record: CommandRecord): Promise<CommandRecord | undefined> {
    try {
      await this.keepCommand(record);
      return undefined;
    } catch (error) {
      if (error instanceof DuplicateCommandError) return this.findCommand(record);
      throw error;
    }
  }

  private async keepCommand(command: CommandRecord) {
    const record: CommandRecord = { commandId: command.commandId, caller: command.caller, streamId: command.streamId, revision: command.revision, position: command.position, fingerprint: command.fingerprint };
    try {
      await this.client.appendToStream(this.prefix + commandStream(command), jsonEvent({ type: 'CommandHandled', data: record as never }), { expectedRevision: NO_STREAM });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new DuplicateCommandError(command.commandId);
      throw error;
    }
  }
}


function toRecorded(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const e = resolved.event as JsonRecorded | undefined;
  if (!e) return undefined;
  const { schemaVersion, ...metadata } = (e.metadata ?? {}) as RecordedEvent['metadata'] & { schemaVersion?: number };
  return {
    eventId: e.id,
    streamId: e.streamId,
    revision: Number(e.revision),
    position: Number(e.position?.commit ?? 0n),
    type: e.type,
    schemaVersion: schemaVersion ?? 1,
    data: e.data,
    metadata,
    recordedAt: e.created.toISOString(),
  };
}
