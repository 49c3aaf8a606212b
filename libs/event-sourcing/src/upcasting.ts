import { DomainEvent, RecordedEvent } from './envelope';
import { AppendOptions, AppendResult, CommandRef, EventHandler, EventStore, ExpectedRevision, ReadAllOptions, ReadStreamOptions, readStreamsOf, SubscribeOptions, Subscription } from './event-store';
import { EventToAppend } from './envelope';

/** Turns an event of `type` at `fromVersion` into the next version (it may rename the type). */
export interface Upcaster {
  type: string;
  fromVersion: number;
  /**
   * Declared by an upcaster that never renames its events: a read of other types need not read
   * them. Without it, the upcaster may rename (its type is read by every read of any type).
   */
  keepsType?: true;
  upcast(event: DomainEvent): DomainEvent;
}

/**
 * The schema versions we write today, and the upcasters that bring older stored events up to them.
 * Stored events are never rewritten: old versions are translated each time they are read.
 */
export class EventSchemas {
  private readonly byKey = new Map<string, Upcaster>();

  constructor(
    private readonly current: Record<string, number> = {},
    upcasters: Upcaster[] = [],
  ) {
    for (const u of upcasters) this.byKey.set(`${u.type}@${u.fromVersion}`, u);
  }

  /** Version stamped on new events of this type (1 for types nobody declared). */
  versionOf(type: string): number {
    return this.current[type] ?? 1;
  }

  upcast<E extends DomainEvent>(event: RecordedEvent<E>): RecordedEvent<E> {
    let result: RecordedEvent<E> = event;
    for (let step = this.byKey.get(`${result.type}@${result.schemaVersion}`); step; step = this.byKey.get(`${result.type}@${result.schemaVersion}`)) {
      const next = step.upcast({ type: result.type, data: result.data });
      result = { ...result, type: next.type, data: next.data, schemaVersion: result.schemaVersion + 1 } as RecordedEvent<E>;
    }
    return result;
  }

  /**
   * The stored types whose events may read as one of `types`: those, and every type an upcaster
   * starts from that may rename it (reading too many is harmless, too few loses events). One that
   * declares it keeps its type adds nothing: a catch-up of other types read every event of it.
   */
  storedTypesOf(types: readonly string[]): string[] {
    return [...new Set([...types, ...[...this.byKey.values()].filter((u) => !u.keepsType).map((u) => u.type)])];
  }

  merge(other: EventSchemas): EventSchemas {
    return new EventSchemas({ ...this.current, ...other.current }, [...this.byKey.values(), ...other.byKey.values()]);
  }
}

/** An EventStore whose reads come out upcast, so no consumer ever sees an old schema version. */
export class UpcastingEventStore implements EventStore {
  constructor(
    readonly inner: EventStore,
    readonly schemas: EventSchemas,
  ) {}

  append(streamId: string, events: EventToAppend[], expected: ExpectedRevision, options?: AppendOptions): Promise<AppendResult> {
    return this.inner.append(streamId, events, expected, options);
  }
  get appendedUpTo(): number | undefined {
    return this.inner.appendedUpTo;
  }
  /** The inner store's multi-stream append (events are appended as decided: nothing to upcast); none where it has none. */
  get appendMany(): EventStore['appendMany'] {
    return this.inner.appendMany?.bind(this.inner);
  }
  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readStream(streamId, options)).map((e) => this.schemas.upcast(e));
  }
  async readAll(after: number, limit: number, options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readAll(after, limit, this.stored(options))).map((e) => this.schemas.upcast(e));
  }
  private stored(options?: ReadAllOptions): ReadAllOptions | undefined {
    return options?.types ? { ...options, types: this.schemas.storedTypesOf(options.types) } : options;
  }
  async readStreams(streamIds: readonly string[]): Promise<RecordedEvent[]> {
    return (await readStreamsOf(this.inner, streamIds)).map((e) => this.schemas.upcast(e));
  }
  subscribe(after: number, handler: EventHandler, options?: SubscribeOptions): Subscription {
    return this.inner.subscribe(after, (e) => handler(this.schemas.upcast(e)), options);
  }
  findCommand(command: CommandRef) {
    return this.inner.findCommand(command);
  }
  get findCommands(): EventStore['findCommands'] {
    return this.inner.findCommands?.bind(this.inner);
  }
  get recordCommand(): EventStore['recordCommand'] {
    return this.inner.recordCommand?.bind(this.inner);
  }
  headPosition() {
    return this.inner.headPosition();
  }
  get watch() {
    return this.inner.watch?.bind(this.inner);
  }
  /** The inner store's pages read ahead (a long catch-up on PostgreSQL), upcast; none where it has none. */
  get readPages(): EventStore['readPages'] {
    const inner = this.inner.readPages?.bind(this.inner);
    if (!inner) return undefined;
    return (after, pageSize, until, options) => mapPages(inner(after, pageSize, until, this.stored(options)), (page) => page.map((e) => this.schemas.upcast(e)));
  }
  close() {
    return this.inner.close();
  }
}

/** Pages as another reader gives them, each made over by `map`; stopping early stops the reader. */
export async function* mapPages(pages: AsyncIterable<RecordedEvent[]>, map: (page: RecordedEvent[]) => RecordedEvent[] | Promise<RecordedEvent[]>): AsyncGenerator<RecordedEvent[]> {
  for await (const page of pages) yield await map(page);
}
