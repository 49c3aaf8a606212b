import { openPostgresEventStore } from '@register/event-store';
import { servers, uniqueName } from '../support/servers';
import { eventStoreContract } from './event-store.contract';

// Each run gets a schema of its own on the real PostgreSQL server that deploy/dev/postgres.sh starts.
eventStoreContract('PostgreSQL', () => openPostgresEventStore(servers.postgresUrl, uniqueName('contract')));
