import { createPglite, openPgliteEventStore, pgliteClient, SqlEventStore } from '@register/event-store';
import { eventStoreContract } from './event-store.contract';

eventStoreContract('PGlite', () => openPgliteEventStore(), async (legacySql) => {
  const db = await createPglite();
  await db.exec(legacySql('register'));
  return SqlEventStore.open(pgliteClient(db));
});
