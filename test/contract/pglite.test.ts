import { openPgliteEventStore } from '@register/event-store';
import { eventStoreContract } from './event-store.contract';

eventStoreContract('PGlite', () => openPgliteEventStore());
