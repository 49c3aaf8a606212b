import type { ProcessLocks } from './process-locks';
import { RecordedEvent } from '@register/event-sourcing';

/** The little a SQL event store needs from a driver: node-postgres and PGlite both fit. */
export interface SqlClient {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** Runs a script of several statements. */
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
  /** Calls `listener` after an append to the database (LISTEN), with the NOTIFY's payload: the log's last position. */
  listen?(channel: string, listener: (payload?: string) => void): Promise<() => Promise<void>>;
  /**
   * True when `listen` hears every append for certain (PGlite: one process, in-process NOTIFY);
   * subscriptions then poll only as a safety net. A PostgreSQL LISTEN connection can be lost.
   */
  notifiesEveryAppend?: boolean;
  /**
   * True when the driver runs a statement on this thread and answers with a promise already settled
   * (PGlite): a loop of reads is then one chain of microtasks, and no timer, I/O callback or HTTP
   * request runs until it ends (3,000 pages in a row and a 10 ms timer never fired; a rebuild's lease
   * went unrenewed). readAll then takes one turn of the event loop after each full page (more to come).
   */
  answersInThread?: boolean;
  /**
   * True when the database runs no autovacuum (PGlite): nothing analyses its tables or reclaims
   * their dead rows unless the stores do (LogStatistics, SqlSnapshotStore.save).
   */
  noAutovacuum?: boolean;
  /**
   * True when checkpoints run in this client's own session (PGlite, one user): one asked here takes
   * the session's settings, and the database's write-ahead log is this process's to trim.
   */
  checkpointsHere?: boolean;
  /**
   * True when a page of the log is better read as one JSON text built by the database (PGlite, in
   * thread or not: one string crosses to JavaScript or between threads, not a row object per event).
   */
  pagesAsJson?: boolean;
  /**
   * Locks shared with the other processes of this database (node-postgres: advisory locks on a
   * connection of their own); absent on PGlite, which one process holds.
   */
  processLocks?(): ProcessLocks;
  /** Pages of `<schema>.events` read ahead on another thread (node-postgres: its own connection); absent on PGlite. */
  readAhead?(schema: string, after: number, pageSize: number, until?: number, types?: readonly string[]): AsyncIterable<RecordedEvent[]>;
}
