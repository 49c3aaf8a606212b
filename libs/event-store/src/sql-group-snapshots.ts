import { DEFAULT_PART_BYTES } from './chunked-json';
import { SqlChunkedStates } from './sql-chunked-states';
import { SqlClient } from './sql-client';
import { ensureSchema } from './schema-ddl';

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

type GroupMeta = Pick<GroupSnapshotRow, 'versions' | 'offsets'>;

/**
 * The snapshots of a distributed service's in-memory consumer groups, one per group, beside the
 * service's log: a restore of that database brings the replicas' state back with it. Works on
 * PostgreSQL and PGlite alike. The states are kept in parts (SqlChunkedStates): one bytea holds at
 * most 1 GB, which the replicas of the nation would pass. A group's last save wins, as one process
 * holds a group. Snapshots saved before, one row each in `<schema>.group_snapshots`, are still read
 * until the group saves again.
 */
export class SqlGroupSnapshots {
  private constructor(
    private readonly sql: SqlClient,
    private readonly schema: string,
    private readonly states: SqlChunkedStates<GroupMeta>,
    private readonly partBytes = DEFAULT_PART_BYTES,
  ) {}

  /** `partBytes`: the size of a part (tests make it small). */
  static async open(sql: SqlClient, schema: string, partBytes?: number): Promise<SqlGroupSnapshots> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    await ensureSchema(sql, schema, 'group-snapshots', `
      create schema if not exists ${schema};
      create table if not exists ${schema}.group_snapshots (
        group_name text primary key,
        versions   jsonb not null,
        offsets    jsonb not null,
        states     bytea not null,
        taken_at   timestamptz not null default now()
      );`);
    return new SqlGroupSnapshots(sql, schema, await SqlChunkedStates.open(sql, schema), partBytes);
  }

  async load(group: string): Promise<GroupSnapshotRow | undefined> {
    const saved = await this.states.load(owner(group));
    if (!saved) return this.loadOlderForm(group);
    return { versions: saved.meta.versions, offsets: saved.meta.offsets, states: Buffer.concat(saved.parts), takenAt: saved.savedAt };
  }

  /**
   * Of the group `family` and its instances' groups (`<family>.<instance>`), the one whose snapshot
   * was saved last: every instance of an in-memory group reads every partition, so any of their
   * snapshots can start another instance.
   */
  async newestOfFamily(family: string): Promise<string | undefined> {
    const found = await this.states.newestOfFamily(owner(family));
    if (found) return found.slice(owner('').length);
    const { rows } = await this.sql.query(`select 1 from ${this.schema}.group_snapshots where group_name = $1`, [family]);
    return rows.length ? family : undefined;
  }

  async save(group: string, row: Omit<GroupSnapshotRow, 'takenAt'>): Promise<void> {
    await this.states.save(owner(group), 0, { versions: row.versions, offsets: row.offsets }, parts(row.states, this.partBytes));
    await this.sql.query(`delete from ${this.schema}.group_snapshots where group_name = $1`, [group]);
  }

  /**
   * Drops the snapshots of the family's other instances saved more than `seconds` ago: instances
   * gone (a pod replaced under another name) would otherwise each keep a whole replica's state. A
   * live instance whose own snapshot is dropped so starts from the newest of the family.
   */
  dropStaleSiblings(family: string, own: string, seconds: number): Promise<number> {
    return this.states.dropFamilyOlderThan(owner(family), owner(own), seconds);
  }

  private async loadOlderForm(group: string): Promise<GroupSnapshotRow | undefined> {
    const { rows } = await this.sql.query<{ versions: Record<string, number>; offsets: Record<string, number>; states: Uint8Array; taken_at: Date }>(
      `select versions, offsets, states, taken_at from ${this.schema}.group_snapshots where group_name = $1`,
      [group],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { versions: row.versions, offsets: row.offsets, states: Buffer.from(row.states), takenAt: new Date(row.taken_at) };
  }
}

const owner = (group: string) => `group:${group}`;

function* parts(states: Buffer, partBytes: number): Generator<Buffer> {
  for (let at = 0; at < states.length; at += partBytes) yield states.subarray(at, at + partBytes);
  if (states.length === 0) yield states;
}
