import type { SqlClient } from './sql-client';

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
    await sql.exec(`
      create schema if not exists ${schema};
      create table if not exists ${schema}.log_checkpoints (
        size      bigint primary key,
        root_hash text not null,
        note      text not null,
        frontier  jsonb not null,
        made_at   timestamptz not null default now()
      );`);
    return new SqlLogCheckpoints(sql, schema);
  }

  async all(): Promise<SqlStoredCheckpoint[]> {
    const { rows } = await this.sql.query<Row>(`select ${COLUMNS} from ${this.schema}.log_checkpoints order by size`);
    return rows.map(toCheckpoint);
  }

  async latest(): Promise<SqlStoredCheckpoint | undefined> {
    const { rows } = await this.sql.query<Row>(`select ${COLUMNS} from ${this.schema}.log_checkpoints order by size desc limit 1`);
    return rows.map(toCheckpoint)[0];
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
