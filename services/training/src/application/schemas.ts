import { EventSchemas } from '@register/event-sourcing';
import { TRAINING_SCHEMA_VERSIONS } from '@register/contracts';

/** The training log's event schemas (versions, upcasters): the service, its read models and the rebuild CLI read events through them. */
export const trainingSchemas = new EventSchemas(TRAINING_SCHEMA_VERSIONS);
