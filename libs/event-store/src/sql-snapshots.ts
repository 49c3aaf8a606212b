import { Snapshot, SnapshotStore } from '@register/event-sourcing';
import { SqlClient } from './sql-client';

/**
 * Snapshots of a service's views (`<schema>.snapshots`), kept beside its log like its checkpoints:
 * a restore of that database brings the views' positions back with the events they were folded
 * from. PostgreSQL and PGlite alike.
 */
export class SqlSnapshotStore implements SnapshotStore {
  private constructor(
    private readonly sql: Pick<SqlClient, 'query' | 'exec' | 'noAutovacuum'>,
    private readonly schema: string,
  ) {}

  static async open(sql: SqlClient, schema: string): Promise<SqlSnapshotStore> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    await sql.exec(`
      create schema if not exists ${schema};
      create table if not exists ${schema}.snapshots (
        name     text primary key,
        position bigint not null,
        state    jsonb not null,
        saved_at timestamptz not null default now()
      );`);
    return new SqlSnapshotStore(sql, schema);
  }

  async load(name: string): Promise<Snapshot | undefined> {
    const { rows } = await this.sql.query<{ position: string; state: unknown }>(`select position, state from ${this.schema}.snapshots where name = $1`, [name]);
    return rows.length ? { position: Number(rows[0].position), state: rows[0].state } : undefined;
  }

  async save(name: string, snapshot: Snapshot): Promise<void> {
    await this.sql.query(
      `insert into ${this.schema}.snapshots (name, position, state) values ($1, $2, $3::jsonb)
       on conflict (name) do update set position = excluded.position, state = excluded.state, saved_at = now()
       where ${this.schema}.snapshots.position <= excluded.position`,
      [name, snapshot.position, JSON.stringify(snapshot.state)],
    );
    // Each save leaves the state it replaced as dead rows; without autovacuum they were never
    // reclaimed, and the table grew by a whole state per save.
    if (this.sql.noAutovacuum) await this.sql.exec(`vacuum ${this.schema}.snapshots`);
  }
}
