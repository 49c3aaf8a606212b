import { COST_TIMES, CostPacing } from '@register/event-sourcing';
import { SqlClient } from './sql-client';

/** When a log's tables are analysed again (LogStatistics). */
export interface AnalysePolicy {
  /** The log grew by this many rows and `share` of what it held at the last analysis (autovacuum's: 50 and 0.1) … */
  baseRows: number;
  share: number;
  /** … and at least this many times as long as the last analysis took has passed: an analysis holds PGlite's thread. */
  costTimes: number;
}

/**
 * A base larger than autovacuum's: below it the walk an unanalysed plan makes is short, while an
 * analysis of a small table reads all of it (a smaller base slowed the raw append measurably,
 * docs/scale.md).
 */
export const DEFAULT_ANALYSE_POLICY: AnalysePolicy = { baseRows: 10_000, share: 0.1, costTimes: COST_TIMES };

/**
 * The planner's statistics of a log's tables, kept as the log grows, for a database that has no
 * autovacuum to keep them (PGlite). Never analysed, a table has no row count, and the planner's
 * guesses can turn a lookup into a walk of the whole log: `stream_id = any(a batch's ids)` was read by
 * walking every event in position order (no sort needed) rather than through the stream index,
 * a cost that grew with the log (docs/scale.md, "The loading's growth found"). The schema's tables
 * are analysed at open when they never were, then each time the log has grown enough (the
 * policy), in the background: appends do not wait for it.
 */
export class LogStatistics {
  private running?: Promise<void>;
  private readonly pacing: CostPacing;

  private constructor(
    private readonly sql: Pick<SqlClient, 'query' | 'exec'>,
    private readonly schema: string,
    /** The log's head at the last analysis (its rows then, near enough: positions are dense). */
    private analysedAt: number,
    private readonly policy: AnalysePolicy,
  ) {
    this.pacing = new CostPacing(policy.costTimes);
  }

  static async open(sql: Pick<SqlClient, 'query' | 'exec'>, schema: string, policy = DEFAULT_ANALYSE_POLICY): Promise<LogStatistics> {
    const { rows } = await sql.query<{ tuples: number | string; head: number | string | null }>(
      `select (select reltuples from pg_class where oid = '${schema}.events'::regclass) as tuples, (select max(position) from ${schema}.events) as head`,
    );
    const tuples = Number(rows[0].tuples);
    const statistics = new LogStatistics(sql, schema, tuples < 0 ? 0 : tuples, policy);
    statistics.grew(Number(rows[0].head ?? 0));
    return statistics;
  }

  /** The log's head is now `head`: its tables are analysed if it grew enough since the last time. */
  grew(head: number): void {
    if (this.running || head - this.analysedAt < this.policy.baseRows + this.policy.share * this.analysedAt) return;
    if (!this.pacing.due) return;
    const at = performance.now();
    this.running = this.analyse()
      .then(() => {
        this.analysedAt = head;
        this.pacing.ran(at);
      })
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
