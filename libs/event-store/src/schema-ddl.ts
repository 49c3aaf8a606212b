import { createHash } from 'node:crypto';
import { SqlClient } from './sql-client';

/** Held while a schema's DDL runs: two processes opening one schema at once run it one after the other. */
const DDL_LOCK = 7_142_901;

/**
 * Runs `ddl` (tables, functions, upgrades in place) for `part` of `schema` unless the DDL last run
 * there was this very text, as `<schema>.schema_versions` records it. A process that opens a log
 * another process is using (a second instance, a rolling update) then takes no lock on its tables:
 * `alter table … if not exists` still takes an exclusive lock, which stalled every append of the
 * running process and could deadlock with one. When the text differs (a new version, a new
 * database), the DDL runs under one advisory lock in one transaction, so that two starts at once
 * do not race on the catalogue.
 */
export async function ensureSchema(sql: Pick<SqlClient, 'query' | 'exec'>, schema: string, part: string, ddl: string): Promise<void> {
  const digest = createHash('sha256').update(ddl).digest('hex');
  if ((await madeDigest(sql, schema, part)) === digest) return;
  await sql.exec(`
    select pg_advisory_xact_lock(${DDL_LOCK});
    ${ddl};
    create table if not exists ${schema}.schema_versions (
      part    text primary key,
      digest  text not null,
      made_at timestamptz not null default now()
    );
    insert into ${schema}.schema_versions (part, digest) values ('${part}', '${digest}')
      on conflict (part) do update set digest = excluded.digest, made_at = now();`);
}

/** The digest of the DDL last run for `part`; undefined before any (the table itself missing is an error, taken as none). */
async function madeDigest(sql: Pick<SqlClient, 'query'>, schema: string, part: string): Promise<string | undefined> {
  const { rows } = await sql.query<{ digest: string }>(`select digest from ${schema}.schema_versions where part = $1`, [part]).catch(() => ({ rows: [] as Array<{ digest: string }> }));
  return rows[0]?.digest;
}
