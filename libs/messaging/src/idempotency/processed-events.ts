import { SqlTransactions, SqlTx } from './sql-transactions';

/**
 * "Apply this event's effects once" for consumers that write SQL: the processed-id row and the
 * effects are written in ONE transaction, so either both are there or neither is. A redelivered
 * event finds its id already taken and changes nothing. Two deliveries racing (a rebalance) block
 * on the same primary key; the loser sees the winner's row once it commits.
 */
export class ProcessedEvents {
  private constructor(
    private readonly db: SqlTransactions,
    private readonly schema: string,
  ) {}

  static async open(db: SqlTransactions, schema: string): Promise<ProcessedEvents> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    await db.transaction(async (tx) => {
      await tx.query(`create schema if not exists ${schema}`);
      await tx.query(`create table if not exists ${schema}.processed_events (
        consumer     text not null,
        event_id     text not null,
        processed_at timestamptz not null default now(),
        primary key (consumer, event_id))`);
    });
    return new ProcessedEvents(db, schema);
  }

  /** Runs `effects` unless `consumer` already processed `eventId`; true when they ran now. */
  once(consumer: string, eventId: string, effects: (tx: SqlTx) => Promise<void>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query(
        `insert into ${this.schema}.processed_events (consumer, event_id) values ($1, $2) on conflict do nothing returning event_id`,
        [consumer, eventId],
      );
      if (rows.length === 0) return false;
      await effects(tx);
      return true;
    });
  }
}
