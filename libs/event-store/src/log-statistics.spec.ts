import { randomUUID } from 'node:crypto';
import { EventToAppend } from '@register/event-sourcing';
import { ANALYZE_BASE_ROWS } from './log-statistics';
import { pgliteClient } from './pglite';
import { createPglite } from './pglite-template';
import { SqlEventStore } from './sql-event-store';

const event = (i: number): EventToAppend => ({ eventId: randomUUID(), type: 'RatingGiven', schemaVersion: 1, data: { i }, metadata: { actor: 't', reason: 'r', effectiveDate: '2026-12-02', correlationId: 'c' } });

/** A PGlite log whose analyses are counted, as the embedded start has it. */
const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close().catch(() => undefined);
});

async function log() {
  const db = await createPglite();
  opened.push(db);
  const client = pgliteClient(db);
  const analysed: string[] = [];
  const store = await SqlEventStore.open({ ...client, close: async () => undefined, exec: (sql) => (/^analyze /.test(sql) && analysed.push(sql), client.exec(sql)) }, 'evaluation');
  const rowsKnown = async () => Number((await db.query<{ n: number }>(`select reltuples as n from pg_class where oid = 'evaluation.events'::regclass`)).rows[0].n);
  /** `streams` streams of `each` events, appended in one batch. */
  const append = (streams: number, each: number, from = 0) =>
    store.appendMany(Array.from({ length: streams }, (_, s) => ({ streamId: `rating-member.${from + s}`, expected: 'no_stream' as const, events: Array.from({ length: each }, (_, i) => event(i)) })));
  return { db, store, analysed, rowsKnown, append };
}

describe('a PGlite log keeps its planner statistics as it grows (no autovacuum there)', () => {
  it('given a new log, when fewer events than the base are appended, then nothing is analysed', async () => {
    const { store, analysed, append } = await log();
    await append(10, 5);
    await store.close();
    expect(analysed).toEqual([]);
  });

  it('given a log grown past the base, then every table of its schema is analysed, and a read of many streams goes through the stream index', async () => {
    const { db, store, analysed, rowsKnown, append } = await log();
    await append(10_000, 2); // large enough that walking the log costs the planner more than the index
    await (store as unknown as { statistics: { settled(): Promise<void> } }).statistics.settled();
    expect(analysed).toEqual(['analyze evaluation.commands, evaluation.events, evaluation.streams']);
    expect(await rowsKnown()).toBe(20_000);
    const ids = Array.from({ length: 50 }, (_, i) => `rating-member.${i * 7}`);
    const plan = (await db.query<{ 'QUERY PLAN': string }>(`explain select * from evaluation.events where stream_id = any($1::text[]) order by position`, [ids])).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/events_stream_id_revision_key/);
    expect((await store.readStreams(ids)).length).toBe(100);
    await store.close();
  });

  it('given an analysed log, when it grows by less than the base and a tenth, then it is not analysed again; past that, it is', async () => {
    const { store, analysed, append } = await log();
    await append(ANALYZE_BASE_ROWS, 1);
    const statistics = (store as unknown as { statistics: { settled(): Promise<void> } }).statistics;
    await statistics.settled();
    expect(analysed).toHaveLength(1);
    await append(ANALYZE_BASE_ROWS, 1, ANALYZE_BASE_ROWS); // 1,000 more on 1,000: below 1,000 + 100
    await statistics.settled();
    expect(analysed).toHaveLength(1);
    await append(200, 1, 2 * ANALYZE_BASE_ROWS);
    await statistics.settled();
    expect(analysed).toHaveLength(2);
    await store.close();
  });

  it('given a data folder whose log was never analysed (made before), when it is opened, then it is analysed at once', async () => {
    const { db, append, store } = await log();
    await append(ANALYZE_BASE_ROWS + 10, 1);
    await (store as unknown as { statistics: { settled(): Promise<void> } }).statistics.settled();
    await db.exec(`delete from pg_statistic where starelid = 'evaluation.events'::regclass; update pg_class set reltuples = -1 where oid = 'evaluation.events'::regclass`);
    const analysed: string[] = [];
    const client = pgliteClient(db);
    const reopened = await SqlEventStore.open({ ...client, close: async () => undefined, exec: (sql) => (/^analyze /.test(sql) && analysed.push(sql), client.exec(sql)) }, 'evaluation');
    await (reopened as unknown as { statistics: { settled(): Promise<void> } }).statistics.settled();
    expect(analysed).toHaveLength(1);
    await reopened.close();
    await store.close();
  });
});
