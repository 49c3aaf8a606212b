import { EventSchemas } from '@register/event-sourcing';
import { EVALUATION_SCHEMA_VERSIONS } from '@register/contracts';

/** The evaluation log's event schemas (versions, upcasters): the service, its read models and the rebuild CLI read events through them. */
export const evaluationSchemas = new EventSchemas(EVALUATION_SCHEMA_VERSIONS);
