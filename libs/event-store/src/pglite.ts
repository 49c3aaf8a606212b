import type { PGlite } from '@electric-sql/pglite';
import { createPglite } from './pglite-template';
import { SqlClient, SqlEventStore } from './sql-event-store';

/**
 * PGlite (PostgreSQL compiled to WebAssembly) behind the SqlClient shape: one process, no server.
 * Its LISTEN/NOTIFY works within the process and every append is made here, so a subscription is
 * told of every append and polls only as a safety net.
 */
export function pgliteClient(db: PGlite): SqlClient {
  return {
    query: async (sql, params) => {
      await turnOfTheLoop();
      return db.query(sql, params) as never;
    },
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    listen: (channel, listener) => db.listen(channel, (payload) => listener(payload)) as Promise<() => Promise<void>>,
    notifiesEveryAppend: true,
  };
}

/**
 * PGlite runs each statement on this thread and answers with a promise that is already settled
 * when it returns: a loop of queries (a log read page by page, a rebuild, a subscription catching
 * up) is then one chain of microtasks, and no timer, I/O callback or HTTP request runs until it
 * ends (3,000 pages in a row and a 10 ms timer never fired; a lease's renewal was lost). One turn
 * of the event loop before each statement lets them in: once per page of a read, not per event,
 * and a few µs against a statement's hundreds.
 */
function turnOfTheLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The embedded event store: `dataDir` keeps the log on disk; without it the log lives in memory. */
export async function openPgliteEventStore(dataDir?: string, schema = 'register'): Promise<SqlEventStore> {
  const db = await createPglite(dataDir);
  return SqlEventStore.open(pgliteClient(db), schema);
}
