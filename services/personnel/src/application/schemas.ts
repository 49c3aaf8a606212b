import { EventSchemas } from '@register/event-sourcing';
import { PERSONNEL_SCHEMA_VERSIONS } from '@register/contracts';

/** The personnel log's event schemas (versions, upcasters): the service, its read models and the rebuild CLI read events through them. */
export const personnelSchemas = new EventSchemas(PERSONNEL_SCHEMA_VERSIONS);
