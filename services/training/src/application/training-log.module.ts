import { Module } from '@nestjs/common';
import { serviceEventStoreProviders } from '@register/service-kit';
import { trainingSchemas } from './schemas';
import { TRAINING_COMMANDS, TRAINING_STORE } from './tokens';

/**
 * The training service's log and command handler (and the log for auditors), in a module of their
 * own so that both the service and its read models (ReadModelsModule follows the same store) import them.
 */
@Module({
  providers: serviceEventStoreProviders('training', trainingSchemas, TRAINING_STORE, TRAINING_COMMANDS),
  exports: [TRAINING_STORE, TRAINING_COMMANDS],
})
export class TrainingLogModule {}
