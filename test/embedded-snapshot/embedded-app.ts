/**
 * The embedded start as services/embedded/src/main.ts builds it (as test/scale/embedded-register.ts
 * does), with what the snapshot tests look at: the coordinator, and how many events the relays
 * published and the projection runners applied since this start.
 */
import { DiscoveryService } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProjectionRunner, ReadModelQueries } from '@register/read-models';
import { API_PREFIX, connectConsumers, createHttpApp, EmbeddedSnapshots, loadConfig, rootModuleOf, startConsumers } from '@register/service-kit';
import { EvaluationModule } from '../../services/evaluation/src/evaluation.module';
import { GatewayModule } from '../../services/gateway/src/gateway.module';
import { ReportingReadModel } from '../../services/gateway/src/reports/summary/reporting-read-model';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { TrainingModule } from '../../services/training/src/training.module';
import { mintToken } from '@register/auth';
import { EventStore } from '@register/event-sourcing';
import { EVALUATION_STORE } from '../../services/evaluation/src/application/tokens';
import { AuthService } from '../../services/gateway/src/security/auth.service';
import { ORGANISATION_STORE } from '../../services/organisation/src/application/tokens';
import { PERSONNEL_STORE } from '../../services/personnel/src/application/tokens';
import { TRAINING_STORE } from '../../services/training/src/application/tokens';
import { Answer, Register } from '../scale/embedded-register';

export interface SnapshottedRegister extends Register {
  snapshots: EmbeddedSnapshots;
  /** Events every projection runner (the services' and the gateway's reporting) applied since this start. */
  runnerEvents(): number;
  /** Resolves once every runner is live (caught up with its log). */
  caughtUp(): Promise<void>;
}

export async function openSnapshotted(dataDir: string): Promise<SnapshottedRegister> {
  process.env.REGISTER_RATE_PER_SEC ??= '1000000';
  process.env.REGISTER_RATE_BURST ??= '1000000';
  const config = loadConfig({ ...process.env, REGISTER_MODE: 'embedded', EVENT_STORE: 'pglite', DATA_DIR: dataDir });
  const app: NestFastifyApplication = await createHttpApp(rootModuleOf(config, [OrganisationModule, PersonnelModule, TrainingModule, EvaluationModule, GatewayModule]), { title: 'snapshot', logger: false });
  connectConsumers(app, config);
  await startConsumers(app, config);
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();
  const auth = app.get(AuthService);
  const stores = [ORGANISATION_STORE, PERSONNEL_STORE, EVALUATION_STORE, TRAINING_STORE].map((t) => app.get<EventStore>(t));
  const register: Register = {
    async send(method, path, body, headers): Promise<Answer> {
      const res = await fastify.inject({ method: method as 'POST', url: `/${API_PREFIX}${path}`, headers: { 'content-type': 'application/json', ...headers }, payload: body === undefined ? undefined : JSON.stringify(body) });
      let parsed: Answer['body'];
      try {
        parsed = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.statusCode, body: parsed, raw: res.body };
    },
    bearer: async (sub) => `Bearer ${await mintToken(auth.localSecret!, { sub, roles: ['central-admin'] })}`,
    events: async () => (await Promise.all(stores.map((s) => s.headPosition()))).reduce((a, b) => a + b, 0),
    close: () => app.close(),
  };
  const runners = (): ProjectionRunner[] => {
    const instances = app.get(DiscoveryService).getProviders().map((w) => w.instance as unknown);
    const services = instances.filter((i): i is ReadModelQueries => i instanceof ReadModelQueries).flatMap((q) => [...q['runners'].values()]);
    const reporting = instances.filter((i): i is ReportingReadModel => i instanceof ReportingReadModel).flatMap((r) => [...r['parts'].values()].map((p) => p.runner));
    return [...services, ...reporting];
  };
  return {
    ...register,
    snapshots: app.get(EmbeddedSnapshots),
    runnerEvents: () => runners().reduce((n, r) => n + r.events, 0),
    caughtUp: async () => {
      while (!runners().every((r) => r.status === 'live')) await new Promise((r) => setTimeout(r, 20));
    },
  };
}
