import { createHash } from 'node:crypto';
import { Client, ClientConfig } from 'pg';

/** Gives back the locks one `take` took. */
export type ReleaseLocks = () => Promise<void>;

/**
 * Locks shared by the processes of one database: several instances of a service take turns on a
 * key (a branch, a national ID number) or elect the one that runs a singleton (the relay).
 */
export interface ProcessLocks {
  /** Takes every lock of `keys` at once, waiting while another process holds any of them. */
  take(keys: readonly string[]): Promise<ReleaseLocks>;
  /** Takes every lock of `keys` at once if none is held elsewhere, else takes none (undefined). */
  tryTake(keys: readonly string[]): Promise<ReleaseLocks | undefined>;
  close(): Promise<void>;
}

/** Waits between attempts while another process holds a lock: short at first, as turns are short. */
const RETRY_MS = [2, 5, 10, 20, 50, 100];

/**
 * A key's number for PostgreSQL's advisory locks: 64 bits of its SHA-256, so that no key (a national
 * ID number) shows in pg_locks, and two keys share a number once in 2^64.
 */
export function lockNumber(key: string): string {
  return createHash('sha256').update(key).digest().readBigInt64BE(0).toString();
}

/**
 * PostgreSQL's session advisory locks, on one connection of this process's own. A `take` asks for
 * all its locks in one statement with pg_try_advisory_lock and, if another process holds one,
 * gives back the ones it got and tries again later: no process ever waits holding a lock, so two
 * processes cannot wait on each other (a deadlock), whatever order their keys come in. The locks
 * of this process's own concurrent turns do not exclude each other (a session holds a lock
 * repeatedly): the process orders those itself (KeyedTurns). If the connection is lost, the
 * server drops its locks; the next `take` opens a new connection, and a release of the lost
 * connection's locks does nothing.
 */
export class PostgresProcessLocks implements ProcessLocks {
  private connection?: Promise<Client>;
  private closed = false;
  /** The connection's statements, one after another: node-postgres queues a second one itself, but that is deprecated. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: ClientConfig) {}

  async take(keys: readonly string[]): Promise<ReleaseLocks> {
    for (let attempt = 0; ; attempt++) {
      const release = await this.tryTake(keys);
      if (release) return release;
      const ms = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
      await new Promise((resolve) => setTimeout(resolve, ms * (0.5 + Math.random())));
    }
  }

  async tryTake(keys: readonly string[]): Promise<ReleaseLocks | undefined> {
    if (this.closed) throw new Error('process locks closed');
    const numbers = [...new Set(keys.map(lockNumber))];
    const client = await this.open();
    const { rows } = await this.inTurn(() =>
      client.query<{ taken: string[] | null; refused: number }>(
        `select array_agg(k::text) filter (where got) as taken, count(*) filter (where not got)::int as refused
           from (select k, pg_try_advisory_lock(k) as got from unnest($1::bigint[]) k) s`,
        [numbers],
      ),
    );
    const taken = rows[0].taken ?? [];
    const release = () => this.release(client, taken);
    if (rows[0].refused === 0) return release;
    await release();
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = undefined;
    await connection?.then((client) => client.end()).catch(() => undefined);
  }

  private async release(client: Client, numbers: string[]): Promise<void> {
    if (numbers.length === 0 || (await this.connection?.catch(() => undefined)) !== client) return;
    await this.inTurn(() => client.query('select pg_advisory_unlock(k) from unnest($1::bigint[]) k', [numbers])).catch(() => this.lost(client));
  }

  private inTurn<T>(statement: () => Promise<T>): Promise<T> {
    const result = this.queue.then(statement);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private open(): Promise<Client> {
    this.connection ??= this.connect().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }

  private async connect(): Promise<Client> {
    const client = new Client({ application_name: 'register-process-locks', ...this.config });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    return client;
  }

  /** The connection is gone and its locks with it: the next take opens another. */
  private lost(client: Client): void {
    void this.connection?.then((current) => {
      if (current === client) this.connection = undefined;
    }, () => undefined);
    client.end().catch(() => undefined);
  }
}
