import { randomUUID } from 'node:crypto';
import { EventToAppend } from '@register/event-sourcing';
import { DEFAULT_ANALYSE_POLICY, LogStatistics } from './log-statistics';
import { pgliteClient } from './pglite';
import { createPglite } from './pglite-template';
import { SqlEventStore } from './sql-event-store';

const event = (i: number): EventToAppend => ({ eventId: randomUUID(), type: 'RatingGiven', schemaVersion: 1, data: { i }, metadata: { actor: 't', reason: 'r', effectiveDate: '2026-12-02', correlationId: 'c' } });

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close().catch(() => undefined);
});

/** A PGlite log whose analyses are counted, as the embedded start has it. */
async function log() {
  const db = await createPglite();
  opened.push(db);
  const client = pgliteClient(db);
  const analysed: string[] = [];
  const counting = { ...client, close: async () => undefined, exec: (sql: string) => (/^analyze /.test(sql) && analysed.push(sql), client.exec(sql)) };
  const store = await SqlEventStore.open(counting, 'evaluation');
  const settled = () => (store as unknown as { statistics: LogStatistics }).statistics.settled();
  /** `streams` streams of `each` events, appended in one batch. */
  const append = (streams: number, each: number, from = 0) =>
    store.appendMany(Array.from({ length: streams }, (_, s) => ({ streamId: `rating-member.${from + s}`, expected: 'no_stream' as const, events: Array.from({ length: each }, (_, i) => event(i)) })));
  return { db, client, store, analysed, settled, append };
}

/** LogStatistics on a log that only answers its head and counts analyses, each taking `analyseMs`. */
function fakeLog(analyseMs = 0) {
  const analyses: number[] = [];
  const sql = {
    query: async <R>(text: string) => ({ rows: (/pg_tables/.test(text) ? [{ name: 'events' }] : [{ tuples: -1, head: 0 }]) as R[] }),
    exec: async () => {
      analyses.push(performance.now());
      await new Promise((resolve) => setTimeout(resolve, analyseMs));
    },
  };
  return { sql, analyses };
}

describe('a PGlite log keeps its planner statistics as it grows (no autovacuum there)', () => {
  it('given a new log, when fewer events than the base are appended, then nothing is analysed', async () => {
    const { store, analysed, append } = await log();
    await append(100, 5);
    await store.close();
    expect(analysed).toEqual([]);
  });

  it('given a log grown past the base, then every table of its schema is analysed, and a read of many streams goes through the stream index', async () => {
    const { db, store, analysed, settled, append } = await log();
    await append(DEFAULT_ANALYSE_POLICY.baseRows, 2);
    await settled();
    expect(analysed).toEqual(['analyze evaluation.commands, evaluation.events, evaluation.schema_versions, evaluation.streams']);
    expect(Number((await db.query<{ n: number }>(`select reltuples as n from pg_class where oid = 'evaluation.events'::regclass`)).rows[0].n)).toBe(2 * DEFAULT_ANALYSE_POLICY.baseRows);
    const ids = Array.from({ length: 50 }, (_, i) => `rating-member.${i * 7}`);
    const plan = (await db.query<{ 'QUERY PLAN': string }>(`explain select * from evaluation.events where stream_id = any($1::text[]) order by position`, [ids])).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/events_stream_id_revision_key/);
    expect((await store.readStreams(ids)).length).toBe(100);
    await store.close();
  });

  it('given an analysed log, when it grows by less than the base and the share, then it is not analysed again; past both, it is', async () => {
    const { sql, analyses } = fakeLog();
    const statistics = await LogStatistics.open(sql, 'evaluation', { baseRows: 100, share: 0.5, costTimes: 0 });
    statistics.grew(100);
    await statistics.settled();
    statistics.grew(249); // 149 more on 100: below 100 + 50
    await statistics.settled();
    expect(analyses).toHaveLength(1);
    statistics.grew(250);
    await statistics.settled();
    expect(analyses).toHaveLength(2);
  });

  it('given an analysis that took long, when the log grows enough soon after, then the next waits its cost times as long', async () => {
    const { sql, analyses } = fakeLog(30);
    const statistics = await LogStatistics.open(sql, 'evaluation', { baseRows: 1, share: 0, costTimes: 1_000 }); // ≥ 30 s after a 30 ms analysis
    statistics.grew(10);
    await statistics.settled();
    for (let head = 20; head <= 60; head += 10) {
      statistics.grew(head);
      await statistics.settled();
    }
    expect(analyses).toHaveLength(1);
    const cheap = fakeLog(0);
    const often = await LogStatistics.open(cheap.sql, 'evaluation', { baseRows: 1, share: 0, costTimes: 0 });
    for (let head = 10; head <= 60; head += 10) {
      often.grew(head);
      await often.settled();
    }
    expect(cheap.analyses).toHaveLength(6);
  });

  it('given a data folder whose log was never analysed (made before), when it is opened, then it is analysed at once', async () => {
    const { db, client, settled, append } = await log();
    await append(DEFAULT_ANALYSE_POLICY.baseRows + 10, 1);
    await settled();
    await db.exec(`delete from pg_statistic where starelid = 'evaluation.events'::regclass; update pg_class set reltuples = -1 where oid = 'evaluation.events'::regclass`);
    const analysed: string[] = [];
    const reopened = await SqlEventStore.open({ ...client, close: async () => undefined, exec: (sql) => (/^analyze /.test(sql) && analysed.push(sql), client.exec(sql)) }, 'evaluation');
    await (reopened as unknown as { statistics: LogStatistics }).statistics.settled();
    expect(analysed).toHaveLength(1);
    await reopened.close();
  });
});
