import type { SqlClient } from './sql-client';
import { ensureSchema } from './schema-ddl';

/** A signed checkpoint as the log keeps it (the same shape as verifiable-log's StoredCheckpoint). */
export interface SqlStoredCheckpoint {
  size: number;
  rootHash: string;
  madeAt: string;
  note: string;
  frontier: { size: number; nodes: string[] };
}

/**
 * The signed checkpoints of a log (`<schema>.log_checkpoints`), beside it. Two instances signing the
 * same size sign the same note (Ed25519 is deterministic): the first write stands.
 */
export class SqlLogCheckpoints {
  private constructor(
    private readonly sql: Pick<SqlClient, 'query'>,
    private readonly schema: string,
  ) {}

  static async open(sql: SqlClient, schema: string): Promise<SqlLogCheckpoints> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    await ensureSchema(sql, schema, 'log-checkpoints', `
      create schema if not exists ${schema};
      create table if not exists ${schema}.log_checkpoints (
        size      bigint primary key,
        root_hash text not null,
        note      text not null,
        frontier  jsonb not null,
        made_at   timestamptz not null default now()
      );
      create table if not exists ${schema}.log_tree_nodes (
        height smallint not null,
        idx    bigint not null,
        hash   bytea not null,
        primary key (height, idx)
      );`);
    return new SqlLogCheckpoints(sql, schema);
  }

  async all(): Promise<SqlStoredCheckpoint[]> {
    const { rows } = await this.sql.query<Row>(`select ${COLUMNS} from ${this.schema}.log_checkpoints order by size`);
    return rows.map(toCheckpoint);
  }

  /** The checkpoint of the largest size (below `beforeSize`, when given). */
  async latest(beforeSize?: number): Promise<SqlStoredCheckpoint | undefined> {
    const { rows } =
      beforeSize === undefined
        ? await this.sql.query<Row>(`select ${COLUMNS} from ${this.schema}.log_checkpoints order by size desc limit 1`)
        : await this.sql.query<Row>(`select ${COLUMNS} from ${this.schema}.log_checkpoints where size < $1 order by size desc limit 1`, [beforeSize]);
    return rows.map(toCheckpoint)[0];
  }

  /** The first checkpoint whose tree holds leaf `index` (its size is past it). */
  async firstCovering(index: number): Promise<SqlStoredCheckpoint | undefined> {
    const { rows } = await this.sql.query<Row>(`select ${COLUMNS} from ${this.schema}.log_checkpoints where size > $1 order by size limit 1`, [index]);
    return rows.map(toCheckpoint)[0];
  }

  /**
   * A page of checkpoints, smallest first: after `afterSize` the next `limit`, else the newest
   * `limit`; `more` says whether others lie beyond the page (newer after it, older before the newest).
   */
  async page(afterSize: number | undefined, limit: number): Promise<{ checkpoints: SqlStoredCheckpoint[]; more: boolean }> {
    const { rows } =
      afterSize === undefined
        ? await this.sql.query<Row>(`select ${COLUMNS} from ${this.schema}.log_checkpoints order by size desc limit $1`, [limit + 1])
        : await this.sql.query<Row>(`select ${COLUMNS} from ${this.schema}.log_checkpoints where size > $1 order by size limit $2`, [afterSize, limit + 1]);
    const page = rows.slice(0, limit).map(toCheckpoint);
    return { checkpoints: afterSize === undefined ? page.reverse() : page, more: rows.length > limit };
  }

  /** The checkpoints of sizes in (after, upTo], smallest first. */
  async between(after: number, upTo: number): Promise<SqlStoredCheckpoint[]> {
    const { rows } = await this.sql.query<Row>(`select ${COLUMNS} from ${this.schema}.log_checkpoints where size > $1 and size <= $2 order by size`, [after, upTo]);
    return rows.map(toCheckpoint);
  }

  /** The Merkle tree's stored nodes of `height` with index in [from, from + count) (verifiable-log's TreeNodeStore). */
  async nodes(height: number, from: number, count: number): Promise<{ index: number; hash: Buffer }[]> {
    const { rows } = await this.sql.query<{ idx: string; hash: string }>(
      `select idx, encode(hash, 'hex') as hash from ${this.schema}.log_tree_nodes where height = $1 and idx >= $2 and idx < $3 order by idx`,
      [height, from, from + count],
    );
    return rows.map((r) => ({ index: Number(r.idx), hash: Buffer.from(r.hash, 'hex') }));
  }

  /** How many nodes of each height lie wholly inside the tree of `size` leaves. */
  async nodeCounts(size: number): Promise<Map<number, number>> {
    const { rows } = await this.sql.query<{ height: number; n: string }>(
      `select height, count(*) as n from ${this.schema}.log_tree_nodes where idx < ($1::bigint >> height::int) group by height`,
      [size],
    );
    return new Map(rows.map((r) => [Number(r.height), Number(r.n)]));
  }

  async saveNodes(nodes: { height: number; index: number; hash: Buffer }[]): Promise<void> {
    if (nodes.length === 0) return;
    await this.sql.query(
      `insert into ${this.schema}.log_tree_nodes (height, idx, hash)
       select h, i, decode(x, 'hex') from unnest($1::int[], $2::bigint[], $3::text[]) as n(h, i, x) on conflict do nothing`,
      [nodes.map((n) => n.height), nodes.map((n) => n.index), nodes.map((n) => n.hash.toString('hex'))],
    );
  }

  async save(c: Omit<SqlStoredCheckpoint, 'madeAt'>): Promise<void> {
    await this.sql.query(`insert into ${this.schema}.log_checkpoints (size, root_hash, note, frontier) values ($1, $2, $3, $4::jsonb) on conflict (size) do nothing`, [
      c.size,
      c.rootHash,
      c.note,
      JSON.stringify(c.frontier),
    ]);
  }
}

interface Row {
  size: string;
  root_hash: string;
  note: string;
  frontier: { size: number; nodes: string[] };
  made_at: Date | string;
}
const COLUMNS = 'size, root_hash, note, frontier, made_at';
const toCheckpoint = (r: Row): SqlStoredCheckpoint => ({ size: Number(r.size), rootHash: r.root_hash, note: r.note, frontier: r.frontier, madeAt: new Date(r.made_at).toISOString() });
