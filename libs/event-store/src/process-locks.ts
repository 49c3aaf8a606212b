import { createHash } from 'node:crypto';
import { Client, ClientConfig } from 'pg';

/** Gives back the locks one `take` took. */
export type ReleaseLocks = () => Promise<void>;

/** A lock a singleton holds: how to give it back, and whether its process still holds it (its connection was not lost). */
export interface HeldLock {
  release(): Promise<void>;
  held(): boolean;
}

/**
 * Locks shared by the processes of one database: several instances of a service take turns on
 * keys (a branch, a national ID number), or elect the one that runs a singleton (the relay).
 */
export interface ProcessLocks {
  /** Takes the turn of every key at once, waiting while another process holds any of them. */
  take(keys: readonly string[]): Promise<ReleaseLocks>;
  /** Takes the turn of every key at once if none is held elsewhere, else takes none (undefined). */
  tryTake(keys: readonly string[]): Promise<ReleaseLocks | undefined>;
  /** Takes a singleton's lock if no other process holds it, else undefined. */
  tryLead(name: string): Promise<HeldLock | undefined>;
  close(): Promise<void>;
}

/** Waits between attempts while another process holds a lock: short at first, as turns are short. */
const RETRY_MS = [2, 5, 10, 20, 50, 100];

/**
 * Turns are taken on stripes: a key's turn is one of STRIPES locks. A batch of 500 admissions
 * names 1,000 keys; a lock each would fill PostgreSQL's shared lock table (64 per connection by
 * default) with two such batches at once. Two keys sharing a stripe only take turns needlessly.
 * A stripe shows nothing of its key (a national ID number) in pg_locks.
 */
const STRIPES = 256;
/** The first half of the two-number advisory locks: turns and singletons apart from each other and from the stores' one-number locks. */
const TURNS = 0x5254; // 'RT'
const LEADERS = 0x524c; // 'RL'

/** A key's stripe: the first bytes of its SHA-256, modulo STRIPES. */
export function stripeOf(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % STRIPES;
}

/** A singleton's lock number: 31 bits of its name's SHA-256. */
const leaderNumber = (name: string) => createHash('sha256').update(name).digest().readUInt32BE(0) >>> 1;

/**
 * PostgreSQL's session advisory locks, on one connection of this process's own. A `take` asks for
 * all its locks in one statement with pg_try_advisory_lock and, if another process holds one,
 * gives back the ones it got and tries again later: no process ever waits holding a lock, so two
 * processes cannot wait on each other (a deadlock), whatever order their keys come in. The locks
 * of this process's own concurrent turns do not exclude each other (a session holds a lock
 * repeatedly): the process orders those itself (KeyedTurns). If the connection is lost, the
 * server drops its locks; the next `take` opens a new connection, and a release of the lost
 * connection's locks does nothing. A statement that fails ends the connection, since the locks
 * it took before failing would otherwise stay held. The server hears of a process gone without a
 * word (its machine lost) by TCP keepalives within about half a minute.
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
    const taken = await this.tryAll(TURNS, [...new Set(keys.map(stripeOf))]);
    return taken && (() => this.release(taken.client, TURNS, taken.numbers));
  }

  async tryLead(name: string): Promise<HeldLock | undefined> {
    const taken = await this.tryAll(LEADERS, [leaderNumber(name)]);
    if (!taken) return undefined;
    return { release: () => this.release(taken.client, LEADERS, taken.numbers), held: () => this.current === taken.client };
  }

  /** Takes every lock (`space`, n) at once, or none. */
  private async tryAll(space: number, numbers: number[]): Promise<{ client: Client; numbers: number[] } | undefined> {
    if (this.closed) throw new Error('process locks closed');
    const client = await this.open();
    const { rows } = await this.inTurn(() =>
      client.query<{ taken: number[] | null; refused: number }>(
        `select array_agg(k) filter (where got) as taken, count(*) filter (where not got)::int as refused
           from (select k, pg_try_advisory_lock($1, k) as got from unnest($2::int[]) k) s`,
        [space, numbers],
      ),
    ).catch((error: unknown) => {
      this.lost(client);
      throw error;
    });
    const taken = { client, numbers: rows[0].taken ?? [] };
    if (rows[0].refused === 0) return taken;
    await this.release(client, space, taken.numbers);
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = undefined;
    await connection?.then((client) => client.end()).catch(() => undefined);
  }

  private async release(client: Client, space: number, numbers: number[]): Promise<void> {
    if (numbers.length === 0 || this.current !== client) return;
    await this.inTurn(() => client.query('select pg_advisory_unlock($1, k) from unnest($2::int[]) k', [space, numbers])).catch(() => this.lost(client));
  }

  private inTurn<T>(statement: () => Promise<T>): Promise<T> {
    const result = this.queue.then(statement);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The connection the locks are held on now, once open. */
  private current?: Client;

  private open(): Promise<Client> {
    this.connection ??= this.connect().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }

  private async connect(): Promise<Client> {
    // Keepalives both ways: the server drops the locks of a process whose machine is gone.
    const client = new Client({ application_name: 'register-process-locks', keepAlive: true, keepAliveInitialDelayMillis: 10_000, options: '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3', ...this.config });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    this.current = client;
    return client;
  }

  /** The connection is gone and its locks with it: the next take opens another. */
  private lost(client: Client): void {
    if (this.current === client) [this.current, this.connection] = [undefined, undefined];
    client.end().catch(() => undefined);
  }
}
