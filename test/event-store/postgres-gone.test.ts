/**
 * PostgreSQL ending the connections idle in a store's pool (the server SIGKILLed or restarted, an
 * administrator's pg_terminate_backend): each idle client is told so (FATAL 57P01) and its pool emits
 * 'error'. Found by the fault matrix: unheard, that error ended every service at once when
 * PostgreSQL was SIGKILLed. The store must keep going, and answer on new connections.
 */
import { Client } from 'pg';
import { openPostgresEventStore, SqlEventStore } from '@register/event-store';
import { until } from '../messaging/processes';
import { servers, uniqueName } from '../support/servers';

let store: SqlEventStore;
let admin: Client;
const name = uniqueName('store_gone');

beforeAll(async () => {
  const url = new URL(servers.postgresUrl);
  url.searchParams.set('application_name', name);
  store = await openPostgresEventStore(url.toString(), name);
  admin = new Client({ connectionString: servers.postgresUrl });
  await admin.connect();
});

afterAll(async () => {
  await store?.close();
  await admin?.query(`drop schema if exists ${name} cascade`).catch(() => undefined);
  await admin?.end();
});

const backends = async () => Number((await admin.query('select count(*) as n from pg_stat_activity where application_name = $1', [name])).rows[0].n);

it('keeps serving after PostgreSQL ends its idle connections', async () => {
  await Promise.all([store.headPosition(), store.headPosition(), store.headPosition()]);
  expect(await backends()).toBeGreaterThan(0);
  await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [name]);
  await until('the idle connections ended', async () => (await backends()) === 0, 30_000);
  // Reads may meet a connection not yet known to be dead; the store answers once the pool has dropped them.
  await until('the store answers again', () => store.headPosition().then(() => true, () => false), 30_000);
  expect(await store.headPosition()).toBeGreaterThanOrEqual(0);
});
