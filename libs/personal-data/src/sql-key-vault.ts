import { randomBytes } from 'node:crypto';
import { ensureSchema } from '@register/event-store';
import { Backoff, backoffDelay } from '@register/messaging';
import { KeyVault } from './sealing';

interface SqlLike {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(sql: string): Promise<unknown>;
  /** PGlite: its checkpoints run in this session (SqlClient.checkpointsHere), so a shredding trims its write-ahead log. */
  checkpointsHere?: boolean;
}

/** Keys kept in memory by default: a district's members, a fraction of a province's (32 bytes and a map entry each). */
const CACHED_KEYS = 100_000;

/** A key row as stored: the key, null once shredded (the tombstone), undefined when there is no row. */
type StoredKey = Buffer | Uint8Array | null | undefined;

/** The pauses before a failed shredding is tried again: 1 s, doubled up to a minute. */
const SHRED_RETRY: Backoff = { initialMs: 1000, maxMs: 60_000 };

/** Key ids per statement at most (a page of the log names up to a thousand members). */
const KEYS_PER_STATEMENT = 5000;

/**
 * Keys asked for in one turn of the event loop, answered by one statement per chunk (`load`): a
 * page of the log asks for each of its members' keys at once (ShreddingEventStore.openAll), a batch
 * of admissions creates each of its members' keys at once (appendMany). One statement each, the
 * look-ups were most of a rebuild of personnel's projections (a district's 50,000 events, 30,000
 * members: 36 s of reading the log on PGlite, against 15 s for evaluation's 150,000 events), and the
 * creations a fifth of a batch of admissions. A lone key is still one statement.
 */
class KeysPerTurn {
  private waiting = new Map<string, { promise: Promise<StoredKey>; resolve: (key: StoredKey) => void; reject: (error: unknown) => void }>();

  constructor(private readonly load: (ids: string[]) => Promise<Map<string, StoredKey>>) {}

  get(keyId: string): Promise<StoredKey> {
    const asked = this.waiting.get(keyId);
    if (asked) return asked.promise;
    if (this.waiting.size === 0) queueMicrotask(() => void this.flush());
    let resolve!: (key: StoredKey) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<StoredKey>((res, rej) => ((resolve = res), (reject = rej)));
    this.waiting.set(keyId, { promise, resolve, reject });
    return promise;
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += KEYS_PER_STATEMENT) {
      const chunk = ids.slice(i, i + KEYS_PER_STATEMENT);
      try {
        const found = await this.load(chunk);
        for (const id of chunk) batch.get(id)!.resolve(found.get(id));
      } catch (error) {
        for (const id of chunk) batch.get(id)!.reject(error);
      }
    }
  }
}

/** The stored keys of these ids, as KeysPerTurn loads them. */
const readKeys = (sql: Pick<SqlLike, 'query'>, table: string) => async (ids: string[]) => {
  const { rows } = await sql.query<{ key_id: string; key: Buffer | Uint8Array | null }>(`select key_id, key from ${table} where key_id = any($1)`, [ids]);
  return new Map<string, StoredKey>(rows.map((r) => [r.key_id, r.key]));
};

/** One key, as createKeys makes many: the statement a lone admission sends (unnest's plan cost a lone one more, measured). */
async function createKey(sql: Pick<SqlLike, 'query'>, table: string, id: string): Promise<Map<string, StoredKey>> {
  const { rows } = await sql.query<{ key_id: string; key: Buffer | Uint8Array | null }>(
    `with created as (insert into ${table} (key_id, key) values ($1, $2) on conflict (key_id) do nothing returning key_id, key)
     select key_id, key from created union all select key_id, key from ${table} where key_id = $1 limit 1`,
    [id, randomBytes(32)],
  );
  return new Map<string, StoredKey>(rows.map((r) => [r.key_id, r.key]));
}

/**
 * A new key for each id without a row, and the row as it stands for the others (a key, or a
 * tombstone), in one statement. An id is missing from the answer only when a concurrent insert of
 * it committed after the statement's snapshot: keyFor then reads it.
 */
const createKeys = (sql: Pick<SqlLike, 'query'>, table: string) => async (ids: string[]) => {
  if (ids.length === 1) return createKey(sql, table, ids[0]);
  const { rows } = await sql.query<{ key_id: string; key: Buffer | Uint8Array | null }>(
    `with wanted as (select * from unnest($1::text[], $2::bytea[]) as w(key_id, key)),
          created as (insert into ${table} (key_id, key) select key_id, key from wanted on conflict (key_id) do nothing returning key_id, key)
     select key_id, key from created union all select key_id, key from ${table} where key_id = any($1::text[])`,
    [ids, ids.map(() => randomBytes(32))],
  );
  return new Map<string, StoredKey>(rows.map((r) => [r.key_id, r.key]));
};

/** The table linking a key of several members' text to each of them. */
const linksOf = (schema: string) => `${schema}.personal_data_key_links`;

/** A key of several members' text, created with its links to each of them in one statement (the row as it stands if it exists). */
async function createLinkedKey(sql: Pick<SqlLike, 'query'>, table: string, links: string, id: string, members: readonly string[]): Promise<Map<string, StoredKey>> {
  const { rows } = await sql.query<{ key_id: string; key: Buffer | Uint8Array | null }>(
    `with created as (insert into ${table} (key_id, key) values ($1, $2) on conflict (key_id) do nothing returning key_id, key),
          linked as (insert into ${links} (member_id, key_id) select m, $1 from unnest($3::text[]) as m on conflict do nothing)
     select key_id, key from created union all select key_id, key from ${table} where key_id = $1 limit 1`,
    [id, randomBytes(32), [...members]],
  );
  return new Map<string, StoredKey>(rows.map((r) => [r.key_id, r.key]));
}

const linkedKeysOf = async (sql: Pick<SqlLike, 'query'>, links: string, memberId: string) =>
  (await sql.query<{ key_id: string }>(`select key_id from ${links} where member_id = $1 order by key_id`, [memberId])).rows.map((r) => r.key_id);

/**
 * The key table in the service's own database schema, beside (not inside) the log: a row per
 * member; shredding overwrites the key with NULL and keeps the row as a tombstone with its time.
 * The keys last used are cached in this process (a command seals with its member's key, then the
 * projections open the event with it: one statement in all), and a shredding replaces the cached
 * key with its tombstone at once.
 *
 * Several instances of personnel share one database, each with its own cache. An instance that did
 * not take the erasure learns of it from its write-side view (PersonnelDirectory), which applies
 * every event of the log in order on every instance and calls `erased`: from then on no path of
 * that instance (lists as of a date, reads, projections, the auditors' view) opens the key, whether
 * or not the row is shredded yet. Until its view has applied the erasure, another instance that
 * cached the key can still open the member's data (the view's lag behind the log, 100 ms polls).
 *
 * The erasure is recorded first, then the key row shredded: that shredding can fail (a crash, a
 * lost connection). `erased` shreds the row again, idempotently (a shredded row is not written),
 * in one statement for the erasures pending, retried with a growing pause until it succeeds; every
 * instance's view asks it, and a start that replays or resumes the view asks it again for every
 * erasure in the log, so a recorded erasure always ends with its key row shredded.
 */
export class SqlKeyVault implements KeyVault {
  /** key id → key, or null once shredded; in order of last use, the oldest first. */
  private readonly cache = new Map<string, Buffer | null>();
  /** The keys this process shredded, never evicted (erasures are few): see remember. */
  private readonly shredded = new Set<string>();
  private readonly lookups: KeysPerTurn;
  private readonly creations: KeysPerTurn;
  /** Erased members whose key row this process has still to shred (see erased). */
  private readonly toShred = new Set<string>();
  private shredding?: Promise<void>;
  private retry?: { timer?: ReturnType<typeof setTimeout>; attempt: number };

  private constructor(
    private readonly sql: SqlLike,
    private readonly table: string,
    private readonly cachedKeys: number,
    private readonly links: string,
  ) {
    this.lookups = new KeysPerTurn(readKeys(sql, table));
    this.creations = new KeysPerTurn(createKeys(sql, table));
  }

  static async open(sql: SqlLike, schema: string, options: { cachedKeys?: number } = {}): Promise<SqlKeyVault> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    await ensureSchema(sql, schema, 'personal-data-keys', `create schema if not exists ${schema};
      create table if not exists ${schema}.personal_data_keys (key_id text primary key, key bytea, created_at timestamptz not null default now(), shredded_at timestamptz);
      create table if not exists ${linksOf(schema)} (member_id text not null, key_id text not null, primary key (member_id, key_id))`);
    return new SqlKeyVault(sql, `${schema}.personal_data_keys`, options.cachedKeys ?? CACHED_KEYS, linksOf(schema));
  }

  async keyFor(keyId: string, linkedTo: readonly string[] = []): Promise<Buffer | undefined> {
    if (linkedTo.length > 0) return this.remember(keyId, (await createLinkedKey(this.sql, this.table, this.links, keyId, linkedTo)).get(keyId));
    const known = this.cached(keyId);
    if (known !== undefined) return known ?? undefined;
    // With the other keys asked for in this turn: the new key if this inserted it, else the row as it stands.
    const stored = await this.creations.get(keyId);
    if (stored === undefined) return this.find(keyId);
    return this.remember(keyId, stored);
  }

  async find(keyId: string): Promise<Buffer | undefined> {
    const known = this.cached(keyId);
    if (known !== undefined) return known ?? undefined;
    const stored = await this.lookups.get(keyId);
    if (stored === undefined) return undefined;
    return this.remember(keyId, stored);
  }

  linkedKeys(memberId: string): Promise<string[]> {
    return linkedKeysOf(this.sql, this.links, memberId);
  }

  async isShredded(keyId: string): Promise<boolean> {
    const known = this.cached(keyId);
    if (known !== undefined) return known === null;
    const stored = await this.lookups.get(keyId);
    return stored !== undefined && this.remember(keyId, stored) === undefined;
  }

  /** Shreds the key rows now, in one statement; a failure is thrown to the caller, and the rows shredded later (erased). */
  async shred(...keyIds: string[]): Promise<void> {
    for (const keyId of keyIds) this.tombstone(keyId);
    await this.shredPending();
  }

  erased(keyId: string): void {
    // This process shredded the row already (the command's shred, then its own view's erased): nothing to write.
    if (this.shredded.has(keyId) && !this.toShred.has(keyId)) return;
    this.tombstone(keyId);
    this.shredPending().catch(() => undefined); // retried: see shredPending
  }

  /** Final in this process (see remember), and the row pending until shredded. */
  private tombstone(keyId: string): void {
    this.shredded.add(keyId);
    this.remember(keyId, null);
    this.toShred.add(keyId);
  }

  /**
   * Shreds the rows of the erasures pending, in one statement (those that pile up while it runs go
   * in the next one). A row already shredded is not written; a member with no row gets a tombstone.
   * On failure the erasures stay pending and are tried again after a pause.
   */
  async shredPending(): Promise<void> {
    while (this.shredding) await this.shredding.catch(() => undefined);
    if (this.toShred.size === 0) return;
    const ids = [...this.toShred];
    const shredding = this.sql.query(
      `insert into ${this.table} (key_id, key, shredded_at) select id, null, now() from unnest($1::text[]) as ids(id)
       on conflict (key_id) do update set key = null, shredded_at = coalesce(${this.table}.shredded_at, now()) where ${this.table}.key is not null
       returning key_id`,
      [ids],
    );
    this.shredding = shredding.then(({ rows }) => (rows.length > 0 ? this.vacuum() : undefined)).finally(() => (this.shredding = undefined));
    try {
      await this.shredding;
    } catch (error) {
      this.retryLater();
      throw error;
    }
    for (const id of ids) this.toShred.delete(id);
    if (this.retry) clearTimeout(this.retry.timer);
    this.retry = undefined;
  }

  /**
   * The update that shreds a key leaves the row as it was, key and all, in the table's file until
   * a vacuum prunes it (PGlite never vacuums on its own; PostgreSQL's autovacuum waits for dozens of
   * dead rows): anyone with the data files would read the key back. Vacuumed at once. A vacuum that
   * fails, or that an older snapshot still open holds back, leaves it to the next one. The key stays
   * in backups (docs/architecture-notes.md).
   */
  private async vacuum(): Promise<void> {
    try {
      await this.sql.exec(`vacuum ${this.table}`);
    } catch {
      // the shredding stands; the old row goes at the next vacuum
    }
    await this.dropOldWriteAheadLog();
  }

  /**
   * The key's insertion also stays in the write-ahead log, in the segment that recorded it, until
   * that segment is recycled and overwritten: a probe read an erased member's key back from an
   * embedded start's pg_wal, and opened their sealed data in an export with it. A switch to a new
   * segment, then a checkpoint, lets the older segments go; without recycling they are deleted.
   * Done where checkpoints run in this session (PGlite: the embedded start's data folder). A
   * server's write-ahead log, its archive and its backups are its administrators' to keep short
   * (docs/architecture-notes.md): a checkpoint per erasure on a shared server is not this process's
   * to force. Best effort: a failure leaves the shredding as it stands.
   */
  private async dropOldWriteAheadLog(): Promise<void> {
    if (!this.sql.checkpointsHere) return;
    for (const statement of ['set wal_recycle = off', 'checkpoint', 'select pg_switch_wal()', 'checkpoint']) {
      try {
        await this.sql.exec(statement);
      } catch {
        return;
      }
    }
  }

  /** The erasures whose key rows this process has still to shred. */
  pendingShreds(): string[] {
    return [...this.toShred];
  }

  private retryLater(): void {
    if (this.retry?.timer) return;
    const attempt = (this.retry?.attempt ?? 0) + 1;
    const retry: { timer?: ReturnType<typeof setTimeout>; attempt: number } = { attempt };
    retry.timer = setTimeout(() => {
      retry.timer = undefined;
      this.shredPending().catch(() => undefined);
    }, backoffDelay(SHRED_RETRY, attempt));
    retry.timer.unref?.();
    this.retry = retry;
  }

  /** The cached key (null: shredded), moved to the back of the eviction order; undefined when not cached. */
  private cached(keyId: string): Buffer | null | undefined {
    const known = this.cache.get(keyId);
    if (known === undefined) return undefined;
    this.cache.delete(keyId);
    this.cache.set(keyId, known);
    return known;
  }

  /**
   * A tombstone never gives way to a key: on a pool a look-up's snapshot can predate a shredding
   * that commits before its answer arrives, and that key, cached, would open the member's data again.
   */
  private remember(keyId: string, stored: Buffer | Uint8Array | null | undefined): Buffer | undefined {
    const key = stored && !this.shredded.has(keyId) && this.cache.get(keyId) !== null ? Buffer.from(stored) : null;
    this.cache.delete(keyId);
    this.cache.set(keyId, key);
    if (this.cache.size > this.cachedKeys) this.cache.delete(this.cache.keys().next().value!);
    return key ?? undefined;
  }
}

/**
 * The key table as another process reads it (the distributed gateway's audit API): it never creates
 * or shreds a key, and it keeps no live key in memory, so an erasure recorded by the owning
 * service is seen at the next read (only shredded keys, which never come back, are remembered).
 */
export class SqlKeyReader implements KeyVault {
  private readonly shredded = new Set<string>();
  private readonly lookups: KeysPerTurn;

  constructor(
    private readonly sql: Pick<SqlLike, 'query'>,
    private readonly schema: string,
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    this.lookups = new KeysPerTurn(readKeys(sql, `${schema}.personal_data_keys`));
  }

  linkedKeys(memberId: string): Promise<string[]> {
    return linkedKeysOf(this.sql, linksOf(this.schema), memberId);
  }

  async keyFor(): Promise<Buffer | undefined> {
    throw new Error('the key table is read only here: nothing is sealed by a reader of the log');
  }

  async find(keyId: string): Promise<Buffer | undefined> {
    if (this.shredded.has(keyId)) return undefined;
    const stored = await this.lookups.get(keyId);
    if (stored === null) this.shredded.add(keyId);
    return stored ? Buffer.from(stored) : undefined;
  }

  async isShredded(keyId: string): Promise<boolean> {
    if (this.shredded.has(keyId)) return true;
    const stored = await this.lookups.get(keyId);
    if (stored === null) this.shredded.add(keyId);
    return stored === null;
  }

  async shred(): Promise<void> {
    throw new Error('the key table is read only here: erasure is the owning service\'s');
  }

  /** Remembered as shredded; the row is its service's to shred. */
  erased(keyId: string): void {
    this.shredded.add(keyId);
  }
}
