import { connectConsumers, createHttpApp, listen, loadConfig, rootModuleOf, startConsumers } from '@register/service-kit';
import { EvaluationModule } from '../../evaluation/src/evaluation.module';
import { GatewayModule } from '../../gateway/src/gateway.module';
import { OrganisationModule } from '../../organisation/src/organisation.module';
import { PersonnelModule } from '../../personnel/src/personnel.module';
import { TrainingModule } from '../../training/src/training.module';

/**
 * The one-command start: every service as a module of one process, the event logs in PGlite under
 * DATA_DIR, an in-process bus in place of Kafka and an in-memory read store rebuilt from the log.
 */
async function main() {
  const config = loadConfig({ ...process.env, REGISTER_MODE: 'embedded' });
  const app = await createHttpApp(rootModuleOf(config, [OrganisationModule, PersonnelModule, TrainingModule, EvaluationModule, GatewayModule]), {
    title: 'Union Register',
  });
  // Consumers of every service listen on the in-process bus; relays may publish once they do.
  connectConsumers(app, config);
  await startConsumers(app, config);
  await listen(app, config.port, 'register');
  console.log(`Union Register (embedded) is up: http://127.0.0.1:${config.port}/api/v1  docs: http://127.0.0.1:${config.port}/api/docs  data: ${config.dataDir}`);
}

void main();
