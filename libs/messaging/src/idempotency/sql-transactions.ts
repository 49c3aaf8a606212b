import type { PGlite } from '@electric-sql/pglite';
import type { Pool } from 'pg';

/** One statement inside a transaction. */
export interface SqlTx {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** Runs work in one transaction: commits if it resolves, rolls back if it throws. */
export interface SqlTransactions {
  transaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T>;
}

/** node-postgres: one pooled connection per transaction. */
export function pgTransactions(pool: Pool): SqlTransactions {
  return {
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work({ query: (sql, params) => client.query(sql, params) as never });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/** PGlite (embedded start). */
export function pgliteTransactions(db: PGlite): SqlTransactions {
  return { transaction: (work) => db.transaction((tx) => work({ query: (sql, params) => tx.query(sql, params) as never })) };
}
