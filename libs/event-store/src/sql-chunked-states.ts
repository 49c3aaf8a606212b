import { randomUUID } from 'node:crypto';
import { ensureSchema } from './schema-ddl';
import { SqlClient } from './sql-client';

/** A saved state, read back: its position, what was saved beside it, and its parts in order. */
export interface ChunkedState<M, P> {
  position: number;
  meta: M;
  parts: P[];
  savedAt: Date;
}

/**
 * States too large for one value, kept in parts (`<schema>.chunked_states`, `<schema>.state_chunks`):
 * a view's snapshot or a consumer group's replicas, which grow with the members. One PostgreSQL
 * value holds at most 1 GB (a jsonb 256 MB) and one statement's message as much, so each part is
 * written by a statement of its own, under a token of this save; then one function call makes the
 * token the owner's current state, if no newer position is saved, and drops the parts of the state
 * it replaced. A read joins the current row to its parts in one statement, so it never sees half of
 * a save. A save that lost, or a process that stopped between its parts and the swap, leaves parts
 * no row names: the loser drops its own, and a later save drops any left for an hour.
 */
export class SqlChunkedStates<M = unknown> {
  private constructor(
    private readonly sql: Pick<SqlClient, 'query' | 'exec' | 'noAutovacuum'>,
    private readonly schema: string,
  ) {}

  static async open<M>(sql: SqlClient, schema: string): Promise<SqlChunkedStates<M>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    await ensureSchema(sql, schema, 'chunked-states', chunkedStatesSchema(schema));
    return new SqlChunkedStates<M>(sql, schema);
  }

  /**
   * Saves `parts` as `owner`'s state at `position`; false when a newer position was saved first
   * (nothing changes). Text parts travel as text and are kept as their UTF-8 bytes (a bytea goes
   * over the wire as hex, twice its size).
   */
  async save(owner: string, position: number, meta: M, parts: Iterable<Buffer | string>): Promise<boolean> {
    const token = randomUUID();
    let count = 0;
    for (const part of parts) {
      const body = typeof part === 'string' ? `convert_to($4::text, 'UTF8')` : '$4';
      await this.sql.query(`insert into ${this.schema}.state_chunks (owner, token, seq, body) values ($1, $2, $3, ${body})`, [owner, token, count++, part]);
    }
    const { rows } = await this.sql.query<{ current: boolean }>(`select ${this.schema}.swap_chunked_state($1, $2, $3, $4, $5) as current`, [
      owner, position, token, count, JSON.stringify(meta),
    ]);
    // Without autovacuum (PGlite) each save's dropped parts would stay on disk.
    if (this.sql.noAutovacuum) {
      await this.sql.exec(`vacuum ${this.schema}.state_chunks`);
      await this.sql.exec(`vacuum ${this.schema}.chunked_states`);
    }
    return rows[0].current;
  }

  /** Of the owners `owner` and `<owner>.<anything>` (a family), the one saved last, if any. */
  async newestOfFamily(owner: string): Promise<string | undefined> {
    const { rows } = await this.sql.query<{ owner: string }>(
      `select owner from ${this.schema}.chunked_states where owner = $1 or owner like $2 order by saved_at desc limit 1`,
      [owner, familyPattern(owner)],
    );
    return rows[0]?.owner;
  }

  /**
   * Drops the states of the family of `owner` saved more than `seconds` ago, but `keep`'s, and the
   * family's parts written as long ago that no save made current; answers how many states.
   */
  async dropFamilyOlderThan(owner: string, keep: string, seconds: number): Promise<number> {
    const { rows } = await this.sql.query<{ dropped: number }>(
      `with gone as (
         delete from ${this.schema}.chunked_states
          where (owner = $1 or owner like $2) and owner <> $3 and saved_at < now() - make_interval(secs => $4)
         returning owner, token),
       chunks as (delete from ${this.schema}.state_chunks c using gone where c.owner = gone.owner and c.token = gone.token),
       -- Parts of the family no save made current (a process stopped mid-save, under a name no save will use again).
       strays as (
         delete from ${this.schema}.state_chunks c
          where (c.owner = $1 or c.owner like $2) and c.owner <> $3 and c.written_at < now() - make_interval(secs => $4)
            and not exists (select 1 from ${this.schema}.chunked_states s where s.owner = c.owner and s.token = c.token))
       select count(*)::int as dropped from gone`,
      [owner, familyPattern(owner), keep, seconds],
    );
    return rows[0].dropped;
  }

  /** The owner's current state, its parts as bytes. */
  async load(owner: string): Promise<ChunkedState<M, Buffer> | undefined> {
    const found = await this.read<Uint8Array>(owner, 'c.body');
    return found && { ...found, parts: found.parts.map((body) => Buffer.from(body.buffer, body.byteOffset, body.byteLength)) };
  }

  /** The owner's current state, its parts as the text they were saved from. */
  loadText(owner: string): Promise<ChunkedState<M, string> | undefined> {
    return this.read<string>(owner, `convert_from(c.body, 'UTF8')`);
  }

  private async read<P>(owner: string, body: string): Promise<ChunkedState<M, P> | undefined> {
    const { rows } = await this.sql.query<{ position: string; meta: M; parts: number; saved_at: Date; body: P }>(
      `select s.position, s.meta, s.parts, s.saved_at, ${body} as body
         from ${this.schema}.chunked_states s join ${this.schema}.state_chunks c on c.owner = s.owner and c.token = s.token
        where s.owner = $1 order by c.seq`,
      [owner],
    );
    if (!rows.length) return undefined;
    if (rows.length !== rows[0].parts) throw new Error(`the saved state of ${owner} has ${rows.length} of its ${rows[0].parts} parts`);
    return { position: Number(rows[0].position), meta: rows[0].meta, parts: rows.map((row) => row.body), savedAt: new Date(rows[0].saved_at) };
  }
}

function chunkedStatesSchema(schema: string): string {
  return `
    create schema if not exists ${schema};
    create table if not exists ${schema}.chunked_states (
      owner    text primary key,
      position bigint not null,
      token    uuid not null,
      parts    integer not null,
      meta     jsonb not null,
      saved_at timestamptz not null default now()
    );
    create table if not exists ${schema}.state_chunks (
      owner      text not null,
      token      uuid not null,
      seq        integer not null,
      body       bytea not null,
      written_at timestamptz not null default now(),
      primary key (owner, token, seq)
    );
    create or replace function ${schema}.swap_chunked_state(p_owner text, p_position bigint, p_token uuid, p_parts integer, p_meta jsonb)
    returns boolean language plpgsql as $$
    declare
      replaced uuid;
      saved bigint;
    begin
      insert into ${schema}.chunked_states (owner, position, token, parts, meta) values (p_owner, p_position, p_token, p_parts, p_meta)
        on conflict (owner) do nothing;
      if found then return true; end if;
      -- The row lock orders two saves of one owner: the second sees what the first made current.
      select token, position into replaced, saved from ${schema}.chunked_states where owner = p_owner for update;
      if saved > p_position then
        delete from ${schema}.state_chunks where owner = p_owner and token = p_token;
        return false;
      end if;
      update ${schema}.chunked_states set position = p_position, token = p_token, parts = p_parts, meta = p_meta, saved_at = now()
       where owner = p_owner;
      delete from ${schema}.state_chunks
       where owner = p_owner and (token = replaced or (token <> p_token and written_at < now() - interval '1 hour'));
      return true;
    end $$;`;
}

/** LIKE's pattern for `<owner>.<anything>`: the owner's own wildcards escaped. */
function familyPattern(owner: string): string {
  return `${owner.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`;
}
