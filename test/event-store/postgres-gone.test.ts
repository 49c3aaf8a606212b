/**
 * PostgreSQL ending the connections idle in a store's pool (the server SIGKILLed or restarted, an
 * administrator's pg_terminate_backend): each idle client is told so (FATAL 57P01) and its pool emits
 * 'error'. Found by the fault matrix: unheard, that error ended every service at once when
 * PostgreSQL was SIGKILLed. The store must keep going, and answer on new connections.
 */
import { Client } from 'pg';
import { openPostgresEventStore, SqlEventStore } from '@register/event-store';
import { RecordedEvent } from '@register/event-sourcing';
import { until } from '../messaging/processes';
import { anEvent } from '../support/events';
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

/**
 * The LISTEN that tells subscribers of other processes' appends runs on a connection of its own. Lost
 * (the server restarted, the connection ended), it was not opened again: subscribers fell back to
 * their poll for good. It is now opened again, and the subscribers told to read what they missed.
 */
it('opens its LISTEN again when PostgreSQL ends it, and subscribers hear other processes\' appends', async () => {
  const writer = await openPostgresEventStore(servers.postgresUrl, name); // another process, in effect
  const heard: RecordedEvent[] = [];
  // a poll far longer than the test: only a NOTIFY can bring the events in time
  const subscription = store.subscribe(await store.headPosition(), async (event) => void heard.push(event), { pollMs: 600_000 });
  const listening = async () => Number((await admin.query("select count(*) as n from pg_stat_activity where application_name = $1 and query ilike 'listen %'", [name])).rows[0].n);
  try {
    await until('the LISTEN to be open', async () => (await listening()) === 1, 30_000);
    await writer.append(uniqueName('before'), [anEvent()], 'no_stream');
    await until('the append before to be heard', () => heard.length === 1, 30_000);
    await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and query ilike 'listen %'", [name]);
    await until('the LISTEN to be open again', async () => (await listening()) === 1, 30_000);
    await writer.append(uniqueName('after'), [anEvent()], 'no_stream');
    await until('the append after to be heard', () => heard.length === 2, 30_000);
  } finally {
    await subscription.stop();
    await writer.close();
  }
}, 120_000);
