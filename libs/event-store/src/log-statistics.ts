import { SqlClient } from './sql-client';

/** Rows a log grows by before its tables are analysed again: a base and a share of what it held, as autovacuum's defaults. */
export const ANALYZE_BASE_ROWS = 1000;
export const ANALYZE_SHARE = 0.1;

/**
 * The planner's statistics of a log's tables, kept as the log grows, for a database that has no
 * autovacuum to keep them (PGlite). Never analysed, a table has no row count, and the planner's
 * guesses can turn a lookup into a walk of the whole log: `stream_id = any(500 ids)` was read by
 * walking every event in position order (no sort needed) rather than through the stream index,
 * a cost that grew with the log (docs/scale.md, "the loading's growth found"). The schema's tables
 * are analysed at open when they never were, then each time the log has grown by a base and a
 * share of what it held, in the background: appends do not wait for it.
 */
export class LogStatistics {
  private running?: Promise<void>;

  private constructor(
    private readonly sql: SqlClient,
    private readonly schema: string,
    /** The log's head at the last analysis (its rows then, near enough: positions are dense). */
    private analysedAt: number,
  ) {}

  static async open(sql: SqlClient, schema: string): Promise<LogStatistics> {
    const { rows } = await sql.query<{ tuples: number | string; head: number | string | null }>(
      `select (select reltuples from pg_class where oid = '${schema}.events'::regclass) as tuples, (select max(position) from ${schema}.events) as head`,
    );
    const tuples = Number(rows[0].tuples);
    const statistics = new LogStatistics(sql, schema, tuples < 0 ? 0 : tuples);
    statistics.grew(Number(rows[0].head ?? 0));
    return statistics;
  }

  /** The log's head is now `head`: its tables are analysed if it grew enough since the last time. */
  grew(head: number): void {
    if (this.running || head - this.analysedAt < ANALYZE_BASE_ROWS + ANALYZE_SHARE * this.analysedAt) return;
    this.running = this.analyse()
      .then(() => void (this.analysedAt = head))
      .catch(() => undefined) // tried again at the next append: statistics only steer the planner
      .finally(() => (this.running = undefined));
  }

  /** Waits for an analysis under way (before the database is closed). */
  async settled(): Promise<void> {
    await this.running;
  }

  private async analyse(): Promise<void> {
    const { rows } = await this.sql.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = $1 order by tablename`, [this.schema]);
    if (rows.length) await this.sql.exec(`analyze ${rows.map((r) => `${this.schema}.${r.name}`).join(', ')}`);
  }
}
