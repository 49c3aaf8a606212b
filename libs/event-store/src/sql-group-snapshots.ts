import { SqlClient } from './sql-client';

/** One consumer group's saved state: its parts' states and the offsets they include. */
export interface GroupSnapshotRow {
  /** Each part's version, by name. */
  versions: Record<string, number>;
  /** The last offset handled per `topic:partition`: the states include exactly the messages up to it. */
  offsets: Record<string, number>;
  /** The parts' states by name, v8.serialize'd. */
  states: Buffer;
  takenAt: Date;
}

/**
 * The snapshots of a distributed service's in-memory consumer groups (`<schema>.group_snapshots`),
 * one row per group, beside the service's log: a restore of that database brings the replicas'
 * state back with it. Works on PostgreSQL and PGlite alike.
 */
export class SqlGroupSnapshots {
  private constructor(
    private readonly sql: SqlClient,
    private readonly schema: string,
  ) {}

  static async open(sql: SqlClient, schema: string): Promise<SqlGroupSnapshots> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    await sql.exec(`
      create schema if not exists ${schema};
      create table if not exists ${schema}.group_snapshots (
        group_name text primary key,
        versions   jsonb not null,
        offsets    jsonb not null,
        states     bytea not null,
        taken_at   timestamptz not null default now()
      );`);
    return new SqlGroupSnapshots(sql, schema);
  }

  async load(group: string): Promise<GroupSnapshotRow | undefined> {
    const { rows } = await this.sql.query<{ versions: Record<string, number>; offsets: Record<string, number>; states: Uint8Array; taken_at: Date }>(
      `select versions, offsets, states, taken_at from ${this.schema}.group_snapshots where group_name = $1`,
      [group],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { versions: row.versions, offsets: row.offsets, states: Buffer.from(row.states), takenAt: new Date(row.taken_at) };
  }

  async save(group: string, row: Omit<GroupSnapshotRow, 'takenAt'>): Promise<void> {
    await this.sql.query(
      `insert into ${this.schema}.group_snapshots (group_name, versions, offsets, states) values ($1, $2, $3, $4)
       on conflict (group_name) do update set versions = excluded.versions, offsets = excluded.offsets, states = excluded.states, taken_at = now()`,
      [group, JSON.stringify(row.versions), JSON.stringify(row.offsets), row.states],
    );
  }
}
