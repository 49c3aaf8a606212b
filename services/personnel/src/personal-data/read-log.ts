import { decodeCursor, encodeCursor, Page, ValidationFailed } from '@register/service-kit';
import { ensureSchema } from '@register/event-store';

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

/**
 * One read as a member's read log shows it: of the members read together, this member alone
 * (`memberIds`) and how many others (`othersRead`), whose ids the caller may not be allowed to see.
 */
export interface MemberRead extends PersonalDataRead {
  othersRead: number;
}

export interface PersonalDataReadLog {
  record(read: Omit<PersonalDataRead, 'readAt'>): Promise<void>;
  /** One member's reads, newest first, `limit` after `cursor` (the nextCursor of the page before). */
  readsOf(memberId: string, limit?: number, cursor?: string): Promise<Page<MemberRead>>;
  /** Overwrites the declared purpose of every read of the member with ERASED_PURPOSE: a purpose often names whom it is about. */
  erasePurposes(memberId: string): Promise<void>;
}

/** What a read's purpose reads once a member it concerns is erased. */
export const ERASED_PURPOSE = '[erased]';

/** A member's reads as shown once they are erased: whatever was still recorded with a purpose (a read racing the erasure) is masked too. */
export const withPurposesErased = (page: Page<MemberRead>): Page<MemberRead> => ({ ...page, items: page.items.map((r) => (r.purpose === null ? r : { ...r, purpose: ERASED_PURPOSE })) });

const asSeenBy = (memberId: string, read: PersonalDataRead): MemberRead => ({ ...read, memberIds: [memberId], othersRead: read.memberIds.filter((id) => id !== memberId).length });

/** The row number a cursor names (the last row of the page before). */
function rowAfter(cursor: string | undefined): number | undefined {
  const key = decodeCursor(cursor);
  if (key !== undefined && !/^[1-9]\d{0,15}$/.test(key)) throw new ValidationFailed([{ field: 'cursor', rule: 'cursor', message: 'cursor must be a nextCursor this API returned' }]);
  return key === undefined ? undefined : Number(key);
}

export class InMemoryReadLog implements PersonalDataReadLog {
  private readonly reads: PersonalDataRead[] = [];
  async record(read: Omit<PersonalDataRead, 'readAt'>) {
    if (read.memberIds.length) this.reads.push({ ...read, readAt: new Date().toISOString() });
  }
  async readsOf(memberId: string, limit = 50, cursor?: string) {
    const before = rowAfter(cursor) ?? this.reads.length + 1;
    const rows = this.reads.map((r, i) => ({ r, n: i + 1 })).filter(({ r, n }) => n < before && r.memberIds.includes(memberId)).reverse();
    const page = rows.slice(0, limit);
    return { items: page.map(({ r }) => asSeenBy(memberId, r)), nextCursor: rows.length > limit ? encodeCursor(String(page[page.length - 1].n)) : null };
  }
  async erasePurposes(memberId: string) {
    const split = this.reads.flatMap((r): PersonalDataRead[] => {
      if (!r.memberIds.includes(memberId) || r.purpose === null) return [r];
      if (r.memberIds.length === 1) return [{ ...r, purpose: ERASED_PURPOSE }];
      // A read of several: the others keep their purpose, the erased member's part of it is an entry of its own.
      return [{ ...r, memberIds: [memberId], purpose: ERASED_PURPOSE }, { ...r, memberIds: r.memberIds.filter((id) => id !== memberId) }];
    });
    this.reads.splice(0, this.reads.length, ...split);
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
    await ensureSchema(sql, schema, 'personal-data-reads', `create schema if not exists ${schema};
      create table if not exists ${schema}.personal_data_reads (id bigserial primary key, read_at timestamptz not null default now(), actor text not null, purpose text, endpoint text not null, member_ids text[] not null);
      create index if not exists personal_data_reads_members on ${schema}.personal_data_reads using gin (member_ids)`);
    return new SqlReadLog(sql, `${schema}.personal_data_reads`);
  }

  async record(read: Omit<PersonalDataRead, 'readAt'>) {
    if (read.memberIds.length === 0) return;
    await this.sql.query(`insert into ${this.table} (actor, purpose, endpoint, member_ids) values ($1, $2, $3, $4)`, [read.actor, read.purpose, read.endpoint, read.memberIds]);
  }

  async readsOf(memberId: string, limit = 50, cursor?: string): Promise<Page<MemberRead>> {
    const { rows } = await this.sql.query<{ id: string; read_at: Date | string; actor: string; purpose: string | null; endpoint: string; member_ids: string[] }>(
      `select id, read_at, actor, purpose, endpoint, member_ids from ${this.table}
        where member_ids @> array[$1]::text[] and ($3::bigint is null or id < $3) order by id desc limit $2`,
      [memberId, limit + 1, rowAfter(cursor) ?? null],
    );
    const page = rows.slice(0, limit);
    const items = page.map((r) => asSeenBy(memberId, { readAt: new Date(r.read_at).toISOString(), actor: r.actor, purpose: r.purpose, endpoint: r.endpoint, memberIds: r.member_ids }));
    return { items, nextCursor: rows.length > limit ? encodeCursor(String(page[page.length - 1].id)) : null };
  }

  /**
   * A read of the member alone loses its purpose; a read of several is split: the others keep
   * theirs, and the member's part becomes an entry of its own, `[erased]` (one erasure wiped the
   * purposes of everyone read with them: found by a black-box probe).
   */
  async erasePurposes(memberId: string) {
    await this.sql.query(
      `with shared as (
         update ${this.table} set member_ids = array_remove(member_ids, $1)
          where member_ids @> array[$1]::text[] and cardinality(member_ids) > 1 and purpose is not null
          returning read_at, actor, endpoint)
       insert into ${this.table} (read_at, actor, purpose, endpoint, member_ids) select read_at, actor, $2, endpoint, array[$1]::text[] from shared`,
      [memberId, ERASED_PURPOSE],
    );
    await this.sql.query(`update ${this.table} set purpose = $2 where member_ids = array[$1]::text[] and purpose is distinct from $2 and purpose is not null`, [memberId, ERASED_PURPOSE]);
  }
}
