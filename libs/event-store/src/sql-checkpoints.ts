import { SqlClient } from './sql-client';
import { ensureSchema } from './schema-ddl';

/**
 * Named positions in a service's global log (`<schema>.checkpoints`), kept beside the log itself:
 * the relay's progress lives in the same database as the events it publishes, so a restore of
 * that database brings both back consistently. Matches the CheckpointStore port of
 * @register/messaging structurally; works on PostgreSQL and PGlite alike.
 */
export class SqlCheckpointStore {
  private constructor(
    private readonly sql: SqlClient,
    private readonly schema: string,
  ) {}

  static async open(sql: SqlClient, schema = 'register'): Promise<SqlCheckpointStore> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    await ensureSchema(sql, schema, 'checkpoints', `
      create schema if not exists ${schema};
      create table if not exists ${schema}.checkpoints (
        name       text primary key,
        position   bigint not null,
        updated_at timestamptz not null default now()
      );`);
    return new SqlCheckpointStore(sql, schema);
  }

  async load(name: string): Promise<number> {
    const { rows } = await this.sql.query<{ position: string }>(`select position from ${this.schema}.checkpoints where name = $1`, [name]);
    return rows.length ? Number(rows[0].position) : 0;
  }

  /** Last writer wins, on purpose: an operator may move a checkpoint back to make a relay publish again. */
  async save(name: string, position: number): Promise<void> {
    await this.sql.query(
      `insert into ${this.schema}.checkpoints (name, position) values ($1, $2)
       on conflict (name) do update set position = excluded.position, updated_at = now()`,
      [name, position],
    );
  }
}
