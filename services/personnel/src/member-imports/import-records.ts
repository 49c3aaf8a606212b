import { Provider } from '@nestjs/common';
import { EventStoreConnections } from '@register/service-kit';
import { PERSONNEL_IMPORT_RECORDS, PERSONNEL_LOG } from '../application/tokens';
import type { RowVerdict } from './import-row';
import type { MemberImport } from './member-import';
import { ensureSchema } from '@register/event-store';

type SqlLike = {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(sql: string): Promise<unknown>;
};

/** An import as kept beside the log, and when the process running it last said it was alive. */
export interface KeptImport {
  job: MemberImport;
  heartbeatAt: Date;
}

/**
 * Imports' progress kept beside personnel's log (`personnel.member_imports`), so that it outlives the
 * process that ran it and any instance answers it. Kept without the rows' names: a row names an
 * applicant in clear, who may never become a member (and so never have a key to shred), and the
 * admitted ones are found by their member id. The process running an import holds the names.
 */
export interface ImportRecords {
  save(job: MemberImport): Promise<void>;
  load(id: string): Promise<KeptImport | undefined>;
}

/** Where the log is not on SQL (EventStoreDB): the process's memory is all there is. */
export class NoImportRecords implements ImportRecords {
  async save(): Promise<void> {}
  async load(): Promise<undefined> {
    return undefined;
  }
}

export class SqlImportRecords implements ImportRecords {
  private constructor(
    private readonly sql: SqlLike,
    private readonly table: string,
  ) {}

  static async open(sql: SqlLike, schema: string): Promise<SqlImportRecords> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    await ensureSchema(sql, schema, 'member-imports', `
      create schema if not exists ${schema};
      create table if not exists ${schema}.member_imports (
        id           text primary key,
        record       jsonb not null,
        processed    integer not null,
        heartbeat_at timestamptz not null default now()
      );`);
    return new SqlImportRecords(sql, `${schema}.member_imports`);
  }

  /** Never moves an import back: a save of fewer rows processed than the one kept changes nothing, unless it ends the import. */
  async save(job: MemberImport): Promise<void> {
    await this.sql.query(
      `insert into ${this.table} (id, record, processed) values ($1, $2::jsonb, $3)
       on conflict (id) do update set record = excluded.record, processed = excluded.processed, heartbeat_at = now()
       where ${this.table}.processed <= excluded.processed or excluded.record->>'status' <> 'running'`,
      [job.id, JSON.stringify(withoutNames(job)), job.processed],
    );
  }

  async load(id: string): Promise<KeptImport | undefined> {
    const { rows } = await this.sql.query<{ record: MemberImport; heartbeat_at: Date }>(`select record, heartbeat_at from ${this.table} where id = $1`, [id]);
    return rows.length ? { job: rows[0].record, heartbeatAt: new Date(rows[0].heartbeat_at) } : undefined;
  }
}

/** The import as kept: every row's name left out, and every cell a refusal quotes (import-row.ts, `cell`). */
export const withoutNames = (job: MemberImport): MemberImport => ({ ...job, rows: job.rows.map(rowWithoutNames) });

const unquoted = (message: string) => message.replace(/“[^”]*”/g, '“…”');

export function rowWithoutNames(row: RowVerdict): RowVerdict {
  if (row.verdict !== 'refused') return { ...row, fullName: null };
  return { ...row, fullName: null, message: unquoted(row.message), ...(row.errors ? { errors: row.errors.map((e) => ({ ...e, message: unquoted(e.message) })) } : {}) };
}

/** The imports' records beside personnel's log, once the log is open (its schema made). */
export const importRecordsProvider: Provider = {
  provide: PERSONNEL_IMPORT_RECORDS,
  inject: [EventStoreConnections, PERSONNEL_LOG],
  useFactory: async (c: EventStoreConnections): Promise<ImportRecords> => {
    const sql = await c.sqlClient();
    return sql ? SqlImportRecords.open(sql, 'personnel') : new NoImportRecords();
  },
};
