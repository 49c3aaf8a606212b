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
    query: (sql, params) => db.query(sql, params) as never,
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    listen: (channel, listener) => db.listen(channel, (payload) => listener(payload)) as Promise<() => Promise<void>>,
    notifiesEveryAppend: true,
    answersInThread: true,
    noAutovacuum: true,
    checkpointsHere: true,
    pagesAsJson: true,
  };
}

/** The embedded event store: `dataDir` keeps the log on disk; without it the log lives in memory. */
export async function openPgliteEventStore(dataDir?: string, schema = 'register'): Promise<SqlEventStore> {
  const db = await createPglite(dataDir);
  return SqlEventStore.open(pgliteClient(db), schema);
}
