import { calendarDayOf } from '@register/event-sourcing';
import { randomUUID } from 'node:crypto';
import { type ChainVersion, SWITCH_EVENT } from '@register/verifiable-log';
import type { SqlClient } from './sql-client';

/** One event as the chain holds it: where it sits, its chain fields, and the exact text hashed. */
export interface ChainedEntry {
  position: number;
  /** The event's index in the chain and the log's Merkle tree; null for a row the chain never saw. */
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
  entry: string;
  /** How the hash was drawn (verifier-core.ts, ChainVersion). */
  version: ChainVersion;
}

/** The stream that records the log's own upgrades (the chain's start on a log written before it, its switch to version 2). */
export const LOG_INTEGRITY_STREAM = SWITCH_EVENT.stream;

const systemMetadata = (reason: string, today: string) => ({ actor: 'system:register', reason, effectiveDate: today, correlationId: randomUUID() });

/**
 * The hash chain of a SQL log (sql-schema.ts), read for verification, checkpoints and proofs. It
 * reads the rows as stored, with `event_entry` giving the text each hash covers.
 */
export class SqlLogChain {
  constructor(
    private readonly sql: SqlClient,
    private readonly schema: string,
  ) {}

  /** Hashes a log written before the chain existed, once, and records it; 0 when nothing was unhashed. */
  async hashExisting(today = calendarDayOf(new Date())): Promise<number> {
    const event = {
      eventId: randomUUID(),
      type: 'HashChainStarted',
      schemaVersion: 1,
      data: {},
      metadata: systemMetadata('the log gains a hash chain: its existing events are hashed from the first on', today),
    };
    const { rows } = await this.sql.query<{ hashed: string }>(`select ${this.schema}.hash_existing_log($1, $2::jsonb) as hashed`, [LOG_INTEGRITY_STREAM, JSON.stringify(event)]);
    return Number(rows[0]?.hashed ?? 0);
  }

  /**
   * Switches a chain in version 1 to version 2, once, and records it: the switch is an event of its
   * own, the first hashed the new way; the events before keep their hashes. False when the chain is
   * empty (it starts in version 2) or in version 2 already.
   */
  async startVersion2(today = calendarDayOf(new Date())): Promise<boolean> {
    const event = {
      eventId: randomUUID(),
      type: SWITCH_EVENT.type,
      schemaVersion: 1,
      data: { chainVersion: 2 },
      metadata: systemMetadata('the hash chain moves to version 2: from this event on, an event\'s hash is its Merkle leaf hash', today),
    };
    const { rows } = await this.sql.query<{ started: boolean }>(`select ${this.schema}.start_chain_version_2($1, $2::jsonb) as started`, [LOG_INTEGRITY_STREAM, JSON.stringify(event)]);
    return rows[0]?.started === true;
  }

  /** The rows after `afterPosition`, in position order (as they are stored, tampered or not). */
  async entries(afterPosition: number, limit: number, toPosition?: number): Promise<ChainedEntry[]> {
    const { rows } = await this.sql.query<{ position: string; seq: string | null; prev_hash: string | null; hash: string | null; entry: string; version: number }>(
      `select position, seq, encode(prev_hash, 'hex') as prev_hash, encode(hash, 'hex') as hash, chain_version as version,
              ${this.schema}.event_entry(event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at) as entry
       from ${this.schema}.events where position > $1 and ($3::bigint is null or position <= $3) order by position limit $2`,
      [afterPosition, limit, toPosition ?? null],
    );
    return rows.map((r) => ({ position: Number(r.position), seq: r.seq === null ? null : Number(r.seq), prevHash: r.prev_hash, hash: r.hash, entry: r.entry, version: Number(r.version) as ChainVersion }));
  }

  /** The event hashes of the chain from leaf `fromSeq`, in chain order, with their versions: the Merkle tree's leaves (leafOf). */
  async hashes(fromSeq: number, limit: number): Promise<{ seq: number; hash: Buffer; version: ChainVersion }[]> {
    const { rows } = await this.sql.query<{ seq: string; hash: string; version: number }>(
      `select seq, encode(hash, 'hex') as hash, chain_version as version from ${this.schema}.events where seq >= $1 order by seq limit $2`,
      [fromSeq, limit],
    );
    return rows.map((r) => ({ seq: Number(r.seq), hash: Buffer.from(r.hash, 'hex'), version: Number(r.version) as ChainVersion }));
  }

  /** The chain index of the event at `position`, if it is in the log. */
  async seqAt(position: number): Promise<number | undefined> {
    const { rows } = await this.sql.query<{ seq: string | null }>(`select seq from ${this.schema}.events where position = $1`, [position]);
    return rows[0]?.seq == null ? undefined : Number(rows[0].seq);
  }

  /** The position of the event at chain index `seq` (the first, where rows claim it twice), if any. */
  async positionOf(seq: number): Promise<number | undefined> {
    const { rows } = await this.sql.query<{ position: string }>(`select position from ${this.schema}.events where seq = $1 order by position limit 1`, [seq]);
    return rows[0] ? Number(rows[0].position) : undefined;
  }

  /** How many events the chain holds (the next leaf index), and the position of its last. */
  async head(): Promise<{ size: number; position: number }> {
    const { rows } = await this.sql.query<{ seq: string | null; position: string | null }>(`select seq, position from ${this.schema}.events order by position desc limit 1`);
    return { size: rows[0]?.seq == null ? 0 : Number(rows[0].seq) + 1, position: Number(rows[0]?.position ?? 0) };
  }
}
