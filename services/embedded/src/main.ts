import { claimDataDirOrExit, connectConsumers, createHttpApp, listen, loadConfig, rootModuleOf, startConsumers } from '@register/service-kit';
import { EvaluationModule } from '../../evaluation/src/evaluation.module';
import { GatewayModule } from '../../gateway/src/gateway.module';
import { OrganisationModule } from '../../organisation/src/organisation.module';
import { PersonnelModule } from '../../personnel/src/personnel.module';
import { TrainingModule } from '../../training/src/training.module';

/**
 * The one-command start: every service as a module of one process, the event logs in PGlite under
 * DATA_DIR, an in-process bus in place of Kafka and an in-memory read store. A start resumes from
 * the snapshot under DATA_DIR (docs/scale.md); without one, it rebuilds everything from the logs.
 */
async function main() {
  const config = loadConfig({ ...process.env, REGISTER_MODE: 'embedded' });
  if (config.eventStore === 'pglite') claimDataDirOrExit(config.dataDir);
  const app = await createHttpApp(rootModuleOf(config, [OrganisationModule, PersonnelModule, TrainingModule, EvaluationModule, GatewayModule]), {
    title: 'Union Register',
  });
  // Consumers of every service listen on the in-process bus; relays may publish once they do.
  connectConsumers(app, config);
  await startConsumers(app, config);
  // One machine's register: reachable from this machine only, unless HOST says otherwise (e.g. 0.0.0.0).
  const host = process.env.HOST || '127.0.0.1';
  await listen(app, config.port, 'register', host);
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  console.log(`Union Register (embedded) is up: http://${shown}:${config.port}/api/v1  docs: http://${shown}:${config.port}/api/docs  data: ${config.dataDir}`);
}

void main();
