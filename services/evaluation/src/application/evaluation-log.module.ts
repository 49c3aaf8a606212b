import { Module } from '@nestjs/common';
import { serviceEventStoreProviders } from '@register/service-kit';
import { evaluationSchemas } from './schemas';
import { EVALUATION_COMMANDS, EVALUATION_STORE } from './tokens';

/**
 * The evaluation service's log and command handler, in a module of their own so that both the
 * service and its read models (ReadModelsModule, which follows the same EventStore instance) import them.
 */
@Module({
  providers: serviceEventStoreProviders('evaluation', evaluationSchemas, EVALUATION_STORE, EVALUATION_COMMANDS),
  exports: [EVALUATION_STORE, EVALUATION_COMMANDS],
})
export class EvaluationLogModule {}
