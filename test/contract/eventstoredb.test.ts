import { EventStoreDbEventStore } from '@register/event-store';
import { servers } from '../support/servers';
import { eventStoreContract } from './event-store.contract';

// EventStoreDB cannot run on our CI machines. This is the one accepted skip: the same contract
// runs against a real server whenever EVENTSTORE_URL is set (e.g. esdb://127.0.0.1:2113?tls=false).
if (servers.eventStoreDbUrl) {
  eventStoreContract('EventStoreDB', async () => EventStoreDbEventStore.connect(servers.eventStoreDbUrl!));
} else {
  describe.skip('EventStore contract: EventStoreDB (set EVENTSTORE_URL to run)', () => {
    it('runs only against a real EventStoreDB', () => undefined);
  });
}
