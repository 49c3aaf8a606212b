import { pgliteThreadClient, SqlEventStore } from '@register/event-store';
import { eventStoreContract } from './event-store.contract';

/** The embedded start's log: PGlite on a worker thread (pglite-thread.ts), under the same contract as in-thread. */
eventStoreContract('PGlite on a thread', async () => SqlEventStore.open(await pgliteThreadClient()), async (legacySql) => {
  const sql = await pgliteThreadClient();
  await sql.exec(legacySql('register'));
  return SqlEventStore.open(sql);
});

describe('PGlite on a thread', () => {
  it('gives a database error back with its fields, and goes on answering', async () => {
    const sql = await pgliteThreadClient();
    try {
      await sql.exec('create table t (id int primary key)');
      await sql.query('insert into t values ($1)', [1]);
      const failure = await sql.query('insert into t values ($1)', [1]).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      expect(failure).toMatchObject({ code: '23505', constraint: 't_pkey', message: expect.stringContaining('duplicate key') });
      expect((await sql.query('select count(*)::int as n from t')).rows).toEqual([{ n: 1 }]);
    } finally {
      await sql.close();
    }
  });

  it('tells a NOTIFY before the answer of the statement that sent it, as PGlite does in-thread', async () => {
    const sql = await pgliteThreadClient();
    try {
      const seen: string[] = [];
      const unlisten = await sql.listen!('appended', (payload) => seen.push(`notify ${payload}`));
      await sql.query(`select pg_notify('appended', '7')`).then(() => seen.push('answer'));
      await unlisten();
      await sql.query(`select pg_notify('appended', '8')`);
      expect(seen).toEqual(['notify 7', 'answer']);
    } finally {
      await sql.close();
    }
  });

  it('answers in the order statements were sent, with the values PGlite parses (dates, json, numbers)', async () => {
    const sql = await pgliteThreadClient();
    try {
      await sql.exec('create table t (n int, at timestamptz, doc jsonb, name text)');
      await Promise.all([1, 2, 3].map((n) => sql.query('insert into t values ($1, $2, $3, $4)', [n, new Date(Date.UTC(2025, 6, n)), JSON.stringify({ n }), 'Nguyễn Thị Thùy Dương'])));
      const { rows } = await sql.query('select * from t order by n');
      expect(rows).toEqual([1, 2, 3].map((n) => ({ n, at: new Date(Date.UTC(2025, 6, n)), doc: { n }, name: 'Nguyễn Thị Thùy Dương' })));
    } finally {
      await sql.close();
    }
  });

  it('refuses a parameter it cannot send, and goes on answering', async () => {
    const sql = await pgliteThreadClient();
    try {
      await expect(sql.query('select $1::text as t', [() => 1])).rejects.toThrow('cannot be sent');
      expect((await sql.query('select $1::text as t', ['Thùy Dương'])).rows).toEqual([{ t: 'Thùy Dương' }]);
    } finally {
      await sql.close();
    }
  });

  it('refuses statements once closed, and does not keep the process alive', async () => {
    const sql = await pgliteThreadClient();
    await sql.close();
    await expect(sql.query('select 1')).rejects.toThrow('closed');
  });
});
