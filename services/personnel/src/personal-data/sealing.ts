import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PersonalData, SealedPersonalData } from '@register/contracts';

/**
 * Crypto-shredding of members' personal data (Law 91/2025/QH15, Decree 356/2025): each member's
 * personal data is encrypted with a key of that member alone (AES-256-GCM, the key id as
 * additional data), kept in a key table outside the log. Destroying the key makes every copy of the
 * data unreadable, in the log, its backups and on Kafka, while the events stay and the audit trail
 * holds.
 */
export const SEALING = 'aes-256-gcm/v1' as const;

export function sealPersonal(keyId: string, data: PersonalData, key: Buffer): SealedPersonalData {
  return sealJson(keyId, data, key);
}

export function unsealPersonal(sealed: SealedPersonalData, key: Buffer): PersonalData {
  return unsealJson(sealed, key) as PersonalData;
}

/** Any JSON value sealed under a member's key: personal data, or the free text of their events. */
export function sealJson(keyId: string, value: unknown, key: Buffer): SealedPersonalData {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(keyId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { sealed: SEALING, keyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

export function unsealJson(sealed: SealedPersonalData, key: Buffer): unknown {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(sealed.keyId, 'utf8'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8'));
}

export const isSealed = (value: unknown): value is SealedPersonalData => !!value && typeof value === 'object' && (value as { sealed?: unknown }).sealed === SEALING;

/** The key table: one key per member, created on first use; a shredded key is gone for good. */
export interface KeyVault {
  /** The member's key, created when missing; undefined once shredded (nothing new is sealed for them). */
  keyFor(keyId: string): Promise<Buffer | undefined>;
  /** The key if it still exists. */
  find(keyId: string): Promise<Buffer | undefined>;
  shred(keyId: string): Promise<void>;
}

/** For unit tests and throwaway runs: keys die with the process. */
export class InMemoryKeyVault implements KeyVault {
  private readonly keys = new Map<string, Buffer | null>();
  async keyFor(keyId: string) {
    if (!this.keys.has(keyId)) this.keys.set(keyId, randomBytes(32));
    return this.keys.get(keyId) ?? undefined;
  }
  async find(keyId: string) {
    return this.keys.get(keyId) ?? undefined;
  }
  async shred(keyId: string) {
    this.keys.set(keyId, null);
  }
}

interface SqlLike {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(sql: string): Promise<unknown>;
}

/**
 * The key table in the service's own database schema, beside (not inside) the log: a row per
 * member; shredding overwrites the key with NULL and keeps the row as a tombstone with its time.
 * Keys are cached in this process; another process that cached a key keeps it until it restarts
 * (a known gap: the lead's messaging layer should broadcast erasures).
 */
export class SqlKeyVault implements KeyVault {
  private readonly cache = new Map<string, Buffer | null>();

  private constructor(
    private readonly sql: SqlLike,
    private readonly table: string,
  ) {}

  static async open(sql: SqlLike, schema: string): Promise<SqlKeyVault> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    await sql.exec(`create schema if not exists ${schema};
      create table if not exists ${schema}.personal_data_keys (key_id text primary key, key bytea, created_at timestamptz not null default now(), shredded_at timestamptz)`);
    return new SqlKeyVault(sql, `${schema}.personal_data_keys`);
  }

  async keyFor(keyId: string): Promise<Buffer | undefined> {
    const known = this.cache.get(keyId);
    if (known !== undefined) return known ?? undefined;
    await this.sql.query(`insert into ${this.table} (key_id, key) values ($1, $2) on conflict (key_id) do nothing`, [keyId, randomBytes(32)]);
    return this.find(keyId);
  }

  async find(keyId: string): Promise<Buffer | undefined> {
    const known = this.cache.get(keyId);
    if (known !== undefined) return known ?? undefined;
    const { rows } = await this.sql.query<{ key: Buffer | Uint8Array | null }>(`select key from ${this.table} where key_id = $1`, [keyId]);
    if (rows.length === 0) return undefined;
    const key = rows[0].key ? Buffer.from(rows[0].key) : null;
    this.cache.set(keyId, key);
    return key ?? undefined;
  }

  async shred(keyId: string): Promise<void> {
    await this.sql.query(
      `insert into ${this.table} (key_id, key, shredded_at) values ($1, null, now()) on conflict (key_id) do update set key = null, shredded_at = coalesce(${this.table}.shredded_at, now())`,
      [keyId],
    );
    this.cache.set(keyId, null);
  }
}

/**
 * The key table as another process reads it (the distributed gateway's audit API): it never creates
 * or shreds a key, and it keeps no live key in memory, so an erasure recorded by the personnel
 * service is seen at the next read (only shredded keys, which never come back, are remembered).
 */
export class SqlKeyReader implements KeyVault {
  private readonly shredded = new Set<string>();
  private readonly table: string;

  constructor(
    private readonly sql: Pick<SqlLike, 'query'>,
    schema: string,
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    this.table = `${schema}.personal_data_keys`;
  }

  async keyFor(): Promise<Buffer | undefined> {
    throw new Error('the key table is read only here: nothing is sealed outside the personnel service');
  }

  async find(keyId: string): Promise<Buffer | undefined> {
    if (this.shredded.has(keyId)) return undefined;
    const { rows } = await this.sql.query<{ key: Buffer | Uint8Array | null }>(`select key from ${this.table} where key_id = $1`, [keyId]);
    if (rows.length === 0) return undefined;
    if (!rows[0].key) this.shredded.add(keyId);
    return rows[0].key ? Buffer.from(rows[0].key) : undefined;
  }

  async shred(): Promise<void> {
    throw new Error('the key table is read only here: erasure is the personnel service\'s');
  }
}
