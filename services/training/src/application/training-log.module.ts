import { Module } from '@nestjs/common';
import { sealedServiceEventStoreProviders } from '@register/service-kit';
import { trainingSchemas } from './schemas';
import { TRAINING_SEALING } from './sealing-policy';
import { TRAINING_COMMANDS, TRAINING_KEYS, TRAINING_LOG, TRAINING_STORE } from './tokens';

/**
 * The training service's log (members' free text sealed at rest: TRAINING_STORE opens it,
 * TRAINING_LOG is it as stored), its key table, command handler and the log for auditors, in a
 * module of their own so that both the service and its read models (ReadModelsModule follows TRAINING_STORE) import them.
 */
@Module({
  providers: sealedServiceEventStoreProviders('training', trainingSchemas, { log: TRAINING_LOG, keys: TRAINING_KEYS, store: TRAINING_STORE, commands: TRAINING_COMMANDS }, TRAINING_SEALING),
  exports: [TRAINING_LOG, TRAINING_KEYS, TRAINING_STORE, TRAINING_COMMANDS],
})
export class TrainingLogModule {}
