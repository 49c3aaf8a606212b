import { Client } from 'pg';
import { postgresClient, SqlCheckpointStore, SqlClient, SqlEventStore, SqlGroupSnapshots, SqlLogCheckpoints, SqlSnapshotStore } from '@register/event-store';
import { SqlKeyVault } from '@register/personal-data';
import { servers, uniqueName } from '../support/servers';

jest.setTimeout(60_000);

/**
 * A log opened by a second process while the first uses it (a second instance, a rolling update):
 * its DDL runs only when it changed, so the open takes no exclusive lock on the running log's tables,
 * and two opens of a new schema at once both succeed (real PostgreSQL).
 */
describe('opening a log another process is using (PostgreSQL)', () => {
  const clients: SqlClient[] = [];
  const client = () => {
    const sql = postgresClient({ connectionString: servers.postgresUrl, max: 4 });
    clients.push(sql);
    return sql;
  };
  afterAll(async () => {
    for (const sql of clients) await sql.close().catch(() => undefined);
  });

  it('given a new schema opened by four processes at once, then every open succeeds and the log works', async () => {
    const schema = uniqueName('ddl').toLowerCase();
    const stores = await Promise.all([client(), client(), client(), client()].map((sql) => SqlEventStore.open(sql, schema)));
    await stores[0].append('branch-1', [{ eventId: crypto.randomUUID(), type: 'BranchEstablished', schemaVersion: 1, data: { name: 'Chi đoàn thôn Đồng Văn' }, metadata: { actor: 't', reason: 'r', effectiveDate: '2026-01-01', correlationId: 'c' } }], 'no_stream');
    expect(await stores[3].headPosition()).toBeGreaterThan(0);
  });

  it('given a running log whose events table another session holds locked against changes, then an open of the same version does not wait for it', async () => {
    const schema = uniqueName('ddl').toLowerCase();
    await SqlEventStore.open(client(), schema);
    const holder = new Client({ connectionString: servers.postgresUrl });
    await holder.connect();
    try {
      // EXCLUSIVE: reads go on, an ALTER TABLE (ACCESS EXCLUSIVE) waits, as it waits behind a running append.
      await holder.query(`begin; lock table ${schema}.events in exclusive mode`);
      const opened = SqlEventStore.open(client(), schema).then(() => 'opened');
      const waited = new Promise((resolve) => setTimeout(() => resolve('still waiting after 5 s'), 5000));
      expect(await Promise.race([opened, waited])).toBe('opened');
    } finally {
      await holder.query('rollback').catch(() => undefined);
      await holder.end();
    }
  });

  // `create table if not exists` is not safe against itself: two sessions both find the table missing,
  // and one fails on the catalogue's unique index (a second organisation instance of the dev script
  // died so on a new database). Every kind of table beside the log runs its DDL under the schema lock too.
  const besideTheLog: Array<[string, (sql: SqlClient, schema: string) => Promise<unknown>]> = [
    ['signed checkpoints', (sql, schema) => SqlLogCheckpoints.open(sql, schema)],
    ['group snapshots', (sql, schema) => SqlGroupSnapshots.open(sql, schema)],
    ['relay checkpoints', (sql, schema) => SqlCheckpointStore.open(sql, schema)],
    ['snapshots', (sql, schema) => SqlSnapshotStore.open(sql, schema)],
    ['personal data keys', (sql, schema) => SqlKeyVault.open(sql, schema)],
  ];

  it.each(besideTheLog)('given a new schema, when six processes open its %s at once, five rounds, then every open succeeds', async (_kind, open) => {
    const processes = Array.from({ length: 6 }, client);
    for (let round = 0; round < 5; round++) {
      const schema = uniqueName('ddl_race').toLowerCase();
      const outcomes = await Promise.allSettled(processes.map((sql) => open(sql, schema)));
      expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    }
  });
});
