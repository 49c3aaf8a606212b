import { openPostgresEventStore, postgresClient } from '@register/event-store';
import { servers, uniqueName } from '../support/servers';
import { eventStoreContract } from './event-store.contract';

// Each run gets a schema of its own on the real PostgreSQL server that deploy/dev/postgres.sh starts.
eventStoreContract('PostgreSQL', () => openPostgresEventStore(servers.postgresUrl, uniqueName('contract')), async (legacySql) => {
  const schema = uniqueName('legacy').replace(/[^a-z0-9_]/g, '_');
  const setup = postgresClient({ connectionString: servers.postgresUrl, max: 1 });
  await setup.exec(legacySql(schema));
  await setup.close();
  return openPostgresEventStore(servers.postgresUrl, schema);
});
