import { Pool, PoolConfig } from 'pg';
import { listenAgainWhenLost } from './postgres-listen';
import { PostgresProcessLocks } from './process-locks';
import { readAheadPages } from './read-ahead';
import { SqlClient, SqlEventStore } from './sql-event-store';

/** node-postgres behind the SqlClient shape: a pool for work, a dedicated client for LISTEN. */
export function postgresClient(config: PoolConfig): SqlClient {
  const pool = new Pool({ max: 16, ...config });
  // An idle connection the server ends (restarted, killed, an administrator) is dropped by the pool,
  // which then emits 'error': unheard, that ends the process. The next query opens a new connection.
  pool.on('error', () => undefined);
  let locks: PostgresProcessLocks | undefined;
  return {
    query: (sql, params) => pool.query(sql, params as unknown[]) as never,
    exec: (sql) => pool.query(sql),
    close: async () => {
      await locks?.close();
      await pool.end();
    },
    processLocks: () => (locks ??= new PostgresProcessLocks(config)),
    listen: (channel, listener) => listenAgainWhenLost(config, channel, listener),
    ...(config.connectionString ? { readAhead: (schema: string, after: number, pageSize: number, until?: number, types?: readonly string[]) => readAheadPages(config.connectionString!, schema, after, pageSize, until, types) } : {}),
  };
}

/** The production event store on PostgreSQL. */
export function openPostgresEventStore(connectionString: string, schema = 'register'): Promise<SqlEventStore> {
  return SqlEventStore.open(postgresClient({ connectionString }), schema);
}
