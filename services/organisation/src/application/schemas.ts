import { EventSchemas } from '@register/event-sourcing';
import { ORGANISATION_SCHEMA_VERSIONS } from '@register/contracts';

/** The organisation log's event schemas (versions and upcasters). */
export const organisationSchemas = new EventSchemas(ORGANISATION_SCHEMA_VERSIONS);
