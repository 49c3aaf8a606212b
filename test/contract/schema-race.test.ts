import { postgresClient, SqlCheckpointStore, SqlClient, SqlGroupSnapshots, SqlLogCheckpoints, SqlSnapshotStore } from '@register/event-store';
import { SqlKeyVault } from '@register/personal-data';
import { servers, uniqueName } from '../support/servers';

jest.setTimeout(60_000);

/**
 * Instances of one service start together on a new database (a first deployment with two replicas):
 * each opens the same tables at once. `create table if not exists` is not safe against itself (two
 * sessions both find the table missing, and one fails on the catalogue's unique index: a second
 * organisation instance of the dev script died so). Each opening runs its DDL under the schema lock
 * (ensureSchema). Here, on real PostgreSQL, every kind of table opened by six processes at once.
 */
describe('tables opened by several processes at once on a new database', () => {
  const clients: SqlClient[] = [];
  const aProcess = () => {
    const sql = postgresClient({ connectionString: servers.postgresUrl, max: 1 });
    clients.push(sql);
    return sql;
  };
  afterAll(async () => {
    for (const sql of clients) await sql.close();
  });

  const openers: Array<[string, (sql: SqlClient, schema: string) => Promise<unknown>]> = [
    ['signed checkpoints', (sql, schema) => SqlLogCheckpoints.open(sql, schema)],
    ['group snapshots', (sql, schema) => SqlGroupSnapshots.open(sql, schema)],
    ['relay checkpoints', (sql, schema) => SqlCheckpointStore.open(sql, schema)],
    ['snapshots', (sql, schema) => SqlSnapshotStore.open(sql, schema)],
    ['personal data keys', (sql, schema) => SqlKeyVault.open(sql, schema)],
  ];

  it.each(openers)('%s: every opening succeeds, five rounds', async (_name, open) => {
    const processes = Array.from({ length: 6 }, aProcess);
    for (let round = 0; round < 5; round++) {
      const schema = uniqueName('ddl_race');
      const outcomes = await Promise.allSettled(processes.map((sql) => open(sql, schema)));
      expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    }
  });
});
