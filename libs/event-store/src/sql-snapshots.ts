import { Snapshot, SnapshotStore } from '@register/event-sourcing';
import { fromJsonParts, jsonParts } from './chunked-json';
import { SqlChunkedStates } from './sql-chunked-states';
import { SqlClient } from './sql-client';
import { ensureSchema } from './schema-ddl';

/**
 * Snapshots of a service's views, kept beside its log like its checkpoints: a restore of that
 * database brings the views' positions back with the events they were folded from. PostgreSQL and
 * PGlite alike.
 *
 * A state is kept as JSON in parts (chunked-json.ts, SqlChunkedStates), not as one jsonb value: a
 * view that grows with the members (personnel's directory, about 29 MB a province) passes jsonb's
 * 256 MB near nine provinces. Snapshots saved before, one jsonb row each in `<schema>.snapshots`,
 * are still read until the view saves again.
 */
export class SqlSnapshotStore implements SnapshotStore {
  private constructor(
    private readonly sql: Pick<SqlClient, 'query' | 'exec' | 'noAutovacuum'>,
    private readonly schema: string,
    private readonly states: SqlChunkedStates<Record<string, never>>,
    private readonly partBytes?: number,
  ) {}

  /** `partBytes`: the size of a part (tests make it small). */
  static async open(sql: SqlClient, schema: string, partBytes?: number): Promise<SqlSnapshotStore> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    await ensureSchema(sql, schema, 'snapshots', `
      create schema if not exists ${schema};
      create table if not exists ${schema}.snapshots (
        name     text primary key,
        position bigint not null,
        state    jsonb not null,
        saved_at timestamptz not null default now()
      );`);
    return new SqlSnapshotStore(sql, schema, await SqlChunkedStates.open(sql, schema), partBytes);
  }

  async load(name: string): Promise<Snapshot | undefined> {
    const saved = await this.states.loadText(owner(name));
    const older = await this.loadOlderForm(name);
    if (saved && !(older && older.position > saved.position)) return { position: saved.position, state: fromJsonParts(saved.parts) };
    return older;
  }

  async save(name: string, snapshot: Snapshot): Promise<void> {
    const current = await this.states.save(owner(name), snapshot.position, {}, jsonParts(snapshot.state, this.partBytes));
    if (current) await this.sql.query(`delete from ${this.schema}.snapshots where name = $1 and position <= $2`, [name, snapshot.position]);
  }

  private async loadOlderForm(name: string): Promise<Snapshot | undefined> {
    const { rows } = await this.sql.query<{ position: string; state: unknown }>(`select position, state from ${this.schema}.snapshots where name = $1`, [name]);
    return rows.length ? { position: Number(rows[0].position), state: rows[0].state } : undefined;
  }
}

const owner = (name: string) => `snapshot:${name}`;
