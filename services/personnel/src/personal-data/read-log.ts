/**
 * Every read of members' personal data is logged (Decree 356/2025): who read whose data, when,
 * through which endpoint, for what declared purpose (the `X-Purpose` header as purposeOf reads it:
 * UTF-8, at most 200 characters, null when not given). Kept beside the event log, not in it:
 * reads are not changes of the register.
 */
export interface PersonalDataRead {
  readAt: string;
  actor: string;
  purpose: string | null;
  endpoint: string;
  memberIds: string[];
}

export interface PersonalDataReadLog {
  record(read: Omit<PersonalDataRead, 'readAt'>): Promise<void>;
  readsOf(memberId: string, limit?: number): Promise<PersonalDataRead[]>;
}

export class InMemoryReadLog implements PersonalDataReadLog {
  private readonly reads: PersonalDataRead[] = [];
  async record(read: Omit<PersonalDataRead, 'readAt'>) {
    if (read.memberIds.length) this.reads.push({ ...read, readAt: new Date().toISOString() });
  }
  async readsOf(memberId: string, limit = 500) {
    return this.reads.filter((r) => r.memberIds.includes(memberId)).slice(-limit);
  }
}

interface SqlLike {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(sql: string): Promise<unknown>;
}

export class SqlReadLog implements PersonalDataReadLog {
  private constructor(
    private readonly sql: SqlLike,
    private readonly table: string,
  ) {}

  static async open(sql: SqlLike, schema: string): Promise<SqlReadLog> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    await sql.exec(`create schema if not exists ${schema};
      create table if not exists ${schema}.personal_data_reads (id bigserial primary key, read_at timestamptz not null default now(), actor text not null, purpose text, endpoint text not null, member_ids text[] not null);
      create index if not exists personal_data_reads_members on ${schema}.personal_data_reads using gin (member_ids)`);
    return new SqlReadLog(sql, `${schema}.personal_data_reads`);
  }

  async record(read: Omit<PersonalDataRead, 'readAt'>) {
    if (read.memberIds.length === 0) return;
    await this.sql.query(`insert into ${this.table} (actor, purpose, endpoint, member_ids) values ($1, $2, $3, $4)`, [read.actor, read.purpose, read.endpoint, read.memberIds]);
  }

  async readsOf(memberId: string, limit = 500): Promise<PersonalDataRead[]> {
    const { rows } = await this.sql.query<{ read_at: Date | string; actor: string; purpose: string | null; endpoint: string; member_ids: string[] }>(
      `select read_at, actor, purpose, endpoint, member_ids from ${this.table} where member_ids @> array[$1]::text[] order by id desc limit $2`,
      [memberId, limit],
    );
    return rows.map((r) => ({ readAt: new Date(r.read_at).toISOString(), actor: r.actor, purpose: r.purpose, endpoint: r.endpoint, memberIds: r.member_ids }));
  }
}
