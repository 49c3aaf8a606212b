import { Module } from '@nestjs/common';
import { sealedServiceEventStoreProviders } from '@register/service-kit';
import { evaluationSchemas } from './schemas';
import { EVALUATION_SEALING } from './sealing-policy';
import { EVALUATION_COMMANDS, EVALUATION_KEYS, EVALUATION_LOG, EVALUATION_STORE } from './tokens';

/**
 * The evaluation service's log (members' free text sealed at rest: EVALUATION_STORE opens it,
 * EVALUATION_LOG is it as stored), its key table and command handler, in a module of their own so
 * that both the service and its read models (ReadModelsModule, which follows EVALUATION_STORE) import them.
 */
@Module({
  providers: sealedServiceEventStoreProviders('evaluation', evaluationSchemas, { log: EVALUATION_LOG, keys: EVALUATION_KEYS, store: EVALUATION_STORE, commands: EVALUATION_COMMANDS }, EVALUATION_SEALING),
  exports: [EVALUATION_LOG, EVALUATION_KEYS, EVALUATION_STORE, EVALUATION_COMMANDS],
})
export class EvaluationLogModule {}
