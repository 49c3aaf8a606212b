import { EventEmitter } from 'node:events';
import {
  AppendOptions,
  AppendResult,
  catchUpSubscription,
  CommandRecord,
  CommandRef,
  DuplicateCommandError,
  EventHandler,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  GlobalLogSource,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  sharedLogSource,
  StreamAppend,
  SubscribeOptions,
  Subscription,
  WrongExpectedRevisionError,
} from '@register/event-sourcing';
import { LogStatistics } from './log-statistics';
import { decodePage, PAGE_JSON, typedPageJson } from './read-ahead';
import { AppendedRows, AppendedStream, RecentAppends } from './recent-appends';
import { SqlClient } from './sql-client';
import { SqlLogChain } from './sql-log-chain';
import { schemaSql } from './sql-schema';
import { ensureSchema } from './schema-ddl';

export type { SqlClient } from './sql-client';

interface EventRow {
  position: string | number;
  event_id: string;
  stream_id: string;
  revision: string | number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  recorded_at: Date | string;
}

/**
 * How often a subscription looks at a log whose every append it is told of (notifiesEveryAppend):
 * a safety net only. REGISTER_LOG_SAFETY_POLL_MS sets it (tests that count reads set it long).
 */
export const safetyPollMs = (): number => Number(process.env.REGISTER_LOG_SAFETY_POLL_MS) || 5000;

/** Stream ids per query of readStreams: a long list is read in chunks, so that no one parameter grows without bound. */
const STREAMS_PER_QUERY = 5000;
const COLUMNS = 'position, event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at';
/** Rows of the log a read of some types walks per query, in position order (see readTypedPage). */
const TYPED_WINDOW = 1000;

/** The event log on PostgreSQL's SQL, for both node-postgres and PGlite. See sql-schema.ts for ordering. */
export class SqlEventStore implements EventStore {
  private readonly appended = new EventEmitter().setMaxListeners(0);
  /** What this store appended last, kept while it has subscribers, so that they need not read it back. */
  private readonly recent: RecentAppends;
  /** Appends of this store under way, and the highest position a NOTIFY told of meanwhile (see heard). */
  private appending = 0;
  private heardMeanwhile = 0;
  /** The last position subscribers were told of: an append is told once, by this store or by the NOTIFY, whichever comes first. */
  private told = 0;
  private unlisten?: Promise<() => Promise<void>>;
  private live?: GlobalLogSource;
  /** Kept by the store where the database does not keep them (PGlite). */
  private statistics?: LogStatistics;

  readonly readPages?: (after: number, pageSize: number, until?: number, options?: ReadAllOptions) => AsyncIterable<RecordedEvent[]>;

  private constructor(
    private readonly sql: SqlClient,
    private readonly schema: string,
  ) {
    this.recent = new RecentAppends(sql.notifiesEveryAppend === true);
    const readAhead = sql.readAhead;
    if (readAhead) this.readPages = (after, pageSize, until, options) => readAhead(schema, after, pageSize, until, options?.types);
  }

  static async open(sql: SqlClient, schema = 'register'): Promise<SqlEventStore> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    await ensureSchema(sql, schema, 'log', schemaSql(schema));
    const store = new SqlEventStore(sql, schema);
    await store.chain.hashExisting();
    await store.chain.startVersion2();
    if (sql.noAutovacuum) store.statistics = await LogStatistics.open(sql, schema);
    return store;
  }

  /** The SQL schema the log lives in (the service's name). */
  get schemaName(): string {
    return this.schema;
  }

  /** The log's hash chain (sql-schema.ts), for verification, checkpoints and proofs. */
  get chain(): SqlLogChain {
    return new SqlLogChain(this.sql, this.schema);
  }

  async append(streamId: string, events: EventToAppend[], expected: ExpectedRevision, options: AppendOptions = {}): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const expectedNumber = expected === 'any' ? -2 : expected === 'no_stream' ? -1 : expected;
    const json = JSON.stringify(events);
    this.appending++;
    try {
      const { rows } = await this.sql.query<AppendRow>(
        `select * from ${this.schema}.record_events($1, $2, $3::jsonb, $4, $5, $6)`,
        [streamId, expectedNumber, json, options.command?.commandId ?? null, options.command?.caller ?? '', options.command?.fingerprint ?? null],
      );
      const [row] = rows;
      const revision = Number(row.out_revision);
      const position = Number(row.out_position);
      if (this.live) this.recent.add(appendedRows(row, position), [{ streamId, firstRevision: revision - events.length + 1, events: JSON.parse(json) }]);
      this.tell(position);
      return { revision, position };
    } catch (error) {
      throw this.translate(error, streamId, expected, options.command?.commandId);
    } finally {
      this.appendSettled();
    }
  }

  /** One statement (record_streams in sql-schema.ts): every stream claimed, every event chained, all or none. */
  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (appends.length === 0) return [];
    assertBatch(appends);
    const items = appends.map((a) => ({
      stream: a.streamId,
      expected: a.expected === 'no_stream' ? -1 : a.expected,
      events: a.events,
      commandId: a.options?.command?.commandId,
      caller: a.options?.command?.caller,
      fingerprint: a.options?.command?.fingerprint,
    }));
    const json = JSON.stringify(items);
    this.appending++;
    try {
      const { rows } = await this.sql.query<AppendRow & { out_stream: string | null }>(`select * from ${this.schema}.record_streams($1::jsonb)`, [json]);
      const byStream = new Map(rows.filter((r) => r.out_stream !== null).map((r) => [r.out_stream, { revision: Number(r.out_revision), position: Number(r.out_position) }]));
      const last = Math.max(...[...byStream.values()].map((r) => r.position));
      if (this.live) this.recent.add(appendedRows(rows.find((r) => r.out_stream === null), last), appendedStreams(JSON.parse(json)));
      this.tell(last);
      return appends.map((a) => byStream.get(a.streamId)!);
    } catch (error) {
      throw this.translate(error, `${appends.length} streams`, 'batch');
    } finally {
      this.appendSettled();
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.sql.query<EventRow>(
      `select ${COLUMNS} from ${this.schema}.events
        where stream_id = $1 and revision >= $4 and ($2::bigint is null or revision <= $2) and ($3::timestamptz is null or recorded_at <= $3)
        order by revision`,
      [streamId, options.toRevision ?? null, options.recordedUpTo?.toISOString() ?? null, options.fromRevision ?? 0],
    );
    return rows.map(toRecorded);
  }

  /** Every event of these streams in position order: one `stream_id = any($1)` query per chunk of ids. */
  async readStreams(streamIds: readonly string[]): Promise<RecordedEvent[]> {
    const ids = [...new Set(streamIds)];
    const events: RecordedEvent[] = [];
    for (let i = 0; i < ids.length; i += STREAMS_PER_QUERY) {
      const { rows } = await this.sql.query<EventRow>(`select ${COLUMNS} from ${this.schema}.events where stream_id = any($1::text[]) order by position`, [ids.slice(i, i + STREAMS_PER_QUERY)]);
      events.push(...rows.map(toRecorded));
    }
    // Chunks are each in order; together they are merged by position.
    return ids.length > STREAMS_PER_QUERY ? events.sort((a, b) => a.position - b.position) : events;
  }

  /**
   * A page of the log. On PGlite, as one JSON text built by the database (PAGE_JSON), parsed once:
   * decoding the rows column by column (its wire protocol, each jsonb parsed apart) and then making
   * each row an event cost more than running the query itself (docs/scale.md, bench:rebuild). On
   * PostgreSQL, as rows: there the JSON text made a poll that finds nothing twice as dear, and most
   * reads of a live log are such polls.
   */
  async readAll(after: number, limit: number, options?: ReadAllOptions): Promise<RecordedEvent[]> {
    const recent = options?.types ? undefined : this.recent.after(after, limit, this.told);
    const events = recent ?? (await this.readPage(after, limit, options));
    // A full page is a long read under way (a catch-up, a rebuild): once per page, not per event, a
    // turn of the loop for timers and I/O. A short page (a tail read after an append) answers as before.
    if (this.sql.answersInThread && events.length === limit) await new Promise((resolve) => setImmediate(resolve));
    return events;
  }

  private readPage(after: number, limit: number, options?: ReadAllOptions): Promise<RecordedEvent[]> {
    if (options?.types) return this.readTypedPage(after, limit, [...options.types]);
    return this.sql.pagesAsJson ? this.readPageAsJson(after, limit) : this.readPageAsRows(after, limit);
  }

  private async readPageAsJson(after: number, limit: number): Promise<RecordedEvent[]> {
    const { rows } = await this.sql.query<{ page: string }>(
      `select ${PAGE_JSON} as page from (select * from ${this.schema}.events where position > $1 order by position limit $2) page`,
      [after, limit],
    );
    return decodePage(rows[0].page);
  }

  private async readPageAsRows(after: number, limit: number): Promise<RecordedEvent[]> {
    const { rows } = await this.sql.query<EventRow>(`select ${COLUMNS} from ${this.schema}.events where position > $1 order by position limit $2`, [after, limit]);
    return rows.map(toRecorded);
  }

  /**
   * A page of the events of some types. Not `where type = any(…) order by position limit n`: the
   * planner, which cannot know how many rows match, then reads every row after $1 and sorts the
   * matches for each page (a bitmap scan and a top-N sort, measured on PGlite: a read of the whole
   * log grew with its square). Instead each query walks the next window of the log in position
   * order, as an unfiltered page does, and builds the JSON of its matching rows only, in the same
   * pass; windows are walked until the page is full or the log ends. A window's matches beyond the
   * page are dropped (the next page walks them again), so a window after the first is sized from
   * the share of matches seen so far: a fixed one made a read of most of the log build nearly every
   * page twice (1.8× an unfiltered read of personnel's log, against 1.1× sized). The JSON page on
   * PostgreSQL too: typed reads are long catch-ups, not the polls that made it dear there (readAll).
   */
  private async readTypedPage(after: number, limit: number, types: string[]): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    let walkedInAll = 0;
    let window = Math.max(limit, TYPED_WINDOW);
    for (let from = after; ; ) {
      const { rows } = await this.sql.query<{ page: string; walked: string | number; last: string | number | null }>(
        `select ${typedPageJson(3)} as page, count(*) as walked, max(position) as last
           from (select * from ${this.schema}.events where position > $1 order by position limit $2) page`,
        [from, window, types],
      );
      const matches = decodePage(rows[0].page);
      const walked = Number(rows[0].walked);
      events.push(...(events.length + matches.length > limit ? matches.slice(0, limit - events.length) : matches));
      if (events.length >= limit || walked < window) return events;
      from = Number(rows[0].last);
      walkedInAll += walked;
      // The rows the rest of the page should take at the share seen so far, a quarter more, at most a full window.
      window = Math.min(Math.max(limit, TYPED_WINDOW), Math.ceil(((limit - events.length) * walkedInAll) / Math.max(events.length, 1) * 1.25) + 32);
    }
  }

  subscribe(after: number, handler: EventHandler, options?: SubscribeOptions): Subscription {
    // One source for every subscription of this store, so that those woken together read together.
    this.live ??= sharedLogSource({ readAll: (from, limit) => this.readAll(from, limit), onAppended: (listener) => this.watch(listener) });
    // Told of every append, a subscription need not poll: an idle log is then not read at all.
    const pollMs = this.sql.notifiesEveryAppend ? Math.max(options?.pollMs ?? 0, safetyPollMs()) : options?.pollMs;
    return catchUpSubscription(this.live, after, handler, { ...options, pollMs });
  }

  /** Appends through this instance, and through any other on the same database (LISTEN/NOTIFY). */
  watch(listener: () => void): () => void {
    this.unlisten ??= this.listenForAppends();
    this.appended.on('appended', listener);
    return () => this.appended.off('appended', listener);
  }

  /**
   * A LISTEN that cannot start (the database away at that moment) leaves the subscribers to their
   * poll and is tried again by the next watch: it must not reject unheard, which ends the process,
   * nor keep close() from closing the database.
   */
  private listenForAppends(): Promise<() => Promise<void>> | undefined {
    return this.sql.listen?.(`${this.schema}_appended`, (payload) => this.heard(payload ? Number(payload) : undefined)).catch(() => {
      this.unlisten = undefined;
      return async () => undefined;
    });
  }

  /**
   * A NOTIFY. The database tells of an append before its caller has the answer (PGlite, during the
   * query): while this store appends, the news waits for that append to settle, so that subscribers
   * woken by it find the events in the recent appends rather than read them back.
   */
  private heard(position?: number): void {
    if (position === undefined || this.appending === 0) return this.tell(position);
    this.heardMeanwhile = Math.max(this.heardMeanwhile, position);
  }

  private appendSettled(): void {
    this.appending--;
    const heard = this.heardMeanwhile;
    this.heardMeanwhile = 0;
    if (heard) this.tell(heard);
  }

  /** Wakes the subscribers, unless they were already told of this position (positions commit in order). */
  private tell(position?: number): void {
    if (position !== undefined) this.statistics?.grew(position);
    if (position !== undefined && position <= this.told) return;
    if (position !== undefined) this.told = position;
    this.appended.emit('appended');
  }

  async findCommand({ commandId, caller }: CommandRef): Promise<CommandRecord | undefined> {
    const { rows } = await this.sql.query<{ stream_id: string; revision: string; position: string; fingerprint: string | null }>(
      `select stream_id, revision, position, fingerprint from ${this.schema}.commands where caller = $1 and command_id = $2`,
      [caller ?? '', commandId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const record = { commandId, streamId: row.stream_id, revision: Number(row.revision), position: Number(row.position), fingerprint: row.fingerprint ?? undefined };
    return caller === undefined ? record : { ...record, caller };
  }

  async recordCommand(record: CommandRecord): Promise<CommandRecord | undefined> {
    const { rows } = await this.sql.query(
      `insert into ${this.schema}.commands (caller, command_id, stream_id, revision, position, fingerprint) values ($1, $2, $3, $4, $5, $6)
       on conflict (caller, command_id) do nothing returning command_id`,
      [record.caller ?? '', record.commandId, record.streamId, record.revision, record.position, record.fingerprint ?? null],
    );
    return rows.length ? undefined : this.findCommand(record);
  }

  async findCommands(commandIds: readonly string[], caller?: string): Promise<CommandRecord[]> {
    const { rows } = await this.sql.query<{ command_id: string; stream_id: string; revision: string; position: string; fingerprint: string | null }>(
      `select command_id, stream_id, revision, position, fingerprint from ${this.schema}.commands where caller = $1 and command_id = any($2::text[])`,
      [caller ?? '', [...commandIds]],
    );
    return rows.map((row) => ({
      commandId: row.command_id,
      streamId: row.stream_id,
      revision: Number(row.revision),
      position: Number(row.position),
      fingerprint: row.fingerprint ?? undefined,
      ...(caller === undefined ? {} : { caller }),
    }));
  }

  /**
   * The newest position this store appended, or heard appended (no query): in the embedded start,
   * whose one process writes every log, the log's head once its appends have settled.
   */
  get appendedUpTo(): number {
    return this.told;
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.sql.query<{ head: string | null }>(`select max(position) as head from ${this.schema}.events`);
    return Number(rows[0]?.head ?? 0);
  }

  async close(): Promise<void> {
    const stop = await this.unlisten;
    await stop?.();
    await this.statistics?.settled();
    await this.sql.close();
  }

  private translate(error: unknown, streamId: string, expected: ExpectedRevision | 'batch', commandId?: string): unknown {
    const e = error as { code?: string; detail?: string; constraint?: string; message?: string };
    if (e.code === 'RG409') return new WrongExpectedRevisionError(streamId, String(expected), e.detail ?? '?');
    // Two batches claiming the same streams in another order (PostgreSQL chose one to fail): the
    // batch lost a race, and its caller runs it again item by item (runBatch).
    if (e.code === '40P01' && expected === 'batch') return new WrongExpectedRevisionError(streamId, 'batch', 'deadlock');
    if (e.code === '23505' && (e.constraint === 'commands_pkey' || e.message?.includes('commands_pkey'))) {
      return new DuplicateCommandError(commandId ?? "?");
    }
    // Two writers creating the same stream race on the unique (stream_id, revision).
    if (e.code === '23505' && (e.constraint === 'events_stream_id_revision_key' || e.message?.includes('events_stream_id_revision_key'))) {
      return new WrongExpectedRevisionError(streamId, String(expected), 'moved on');
    }
    return error;
  }
}

/** A row of record_events or record_streams (sql-schema.ts). */
interface AppendRow {
  out_revision: string;
  out_position: string;
  out_first_seq: string | number | null;
  out_first_position: string | number | null;
  out_recorded: string | null;
}

function appendedRows(row: AppendRow | undefined, lastPosition: number): AppendedRows {
  const number = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return { firstSeq: number(row?.out_first_seq), firstPosition: number(row?.out_first_position), lastPosition, recorded: row?.out_recorded ?? null };
}

/** The batch as sent to record_streams, parsed again: each stream's events from its expected revision's next. */
function appendedStreams(items: { stream: string; expected: number; events: EventToAppend[] }[]): AppendedStream[] {
  return items.map((item) => ({ streamId: item.stream, firstRevision: item.expected + 1, events: item.events }));
}

/** What record_streams cannot take: an empty append, or a stream twice (its claim would count once). */
function assertBatch(appends: readonly StreamAppend[]) {
  const seen = new Set<string>();
  for (const a of appends) {
    if (a.events.length === 0) throw new Error(`appendMany: no events for ${a.streamId}`);
    if (seen.has(a.streamId)) throw new Error(`appendMany: ${a.streamId} twice in one batch`);
    seen.add(a.streamId);
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: Number(row.position),
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: new Date(row.recorded_at).toISOString(),
  };
}
