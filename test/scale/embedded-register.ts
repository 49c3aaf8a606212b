/**
 * The embedded start as services/embedded/src/main.ts builds it (every service a module, PGlite
 * under DATA_DIR, the in-process bus with its consumers), without a port: commands go through
 * Fastify's inject, so they take the same route, guards, validation and handlers as HTTP.
 */
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintToken } from '@register/auth';
import { EventStore } from '@register/event-sourcing';
import { API_PREFIX, connectConsumers, createHttpApp, EmbeddedSnapshots, loadConfig, rootModuleOf, startConsumers } from '@register/service-kit';
import { EVALUATION_STORE } from '../../services/evaluation/src/application/tokens';
import { EvaluationModule } from '../../services/evaluation/src/evaluation.module';
import { GatewayModule } from '../../services/gateway/src/gateway.module';
import { AuthService } from '../../services/gateway/src/security/auth.service';
import { ORGANISATION_STORE } from '../../services/organisation/src/application/tokens';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { PERSONNEL_STORE } from '../../services/personnel/src/application/tokens';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { TRAINING_STORE } from '../../services/training/src/application/tokens';
import { TrainingModule } from '../../services/training/src/training.module';

export interface Answer {
  status: number;
  body: { id?: string; [k: string]: unknown } | undefined;
  raw: string;
}

export interface Register {
  send(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Answer>;
  bearer(sub: string): Promise<string>;
  /** Events in every service's log. */
  events(): Promise<number>;
  /** Resolves once every relay has published its log's head and the bus's consumers have handled it (reactions included). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** The register and the Nest application behind it, for tests that look inside. */
export interface EmbeddedRegister extends Register {
  app: NestFastifyApplication;
}

export async function openEmbedded(dataDir: string, title = 'scale'): Promise<EmbeddedRegister> {
  process.env.REGISTER_RATE_PER_SEC ??= '1000000';
  process.env.REGISTER_RATE_BURST ??= '1000000';
  const config = loadConfig({ ...process.env, REGISTER_MODE: 'embedded', EVENT_STORE: 'pglite', DATA_DIR: dataDir });
  const app: NestFastifyApplication = await createHttpApp(rootModuleOf(config, [OrganisationModule, PersonnelModule, TrainingModule, EvaluationModule, GatewayModule]), { title, logger: false });
  connectConsumers(app, config);
  await startConsumers(app, config);
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();
  const auth = app.get(AuthService);
  const stores = [ORGANISATION_STORE, PERSONNEL_STORE, EVALUATION_STORE, TRAINING_STORE].map((t) => app.get<EventStore>(t));
  return {
    app,
    async send(method, path, body, headers) {
      const res = await fastify.inject({ method: method as 'POST', url: `/${API_PREFIX}${path}`, headers: { 'content-type': 'application/json', ...headers }, payload: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.statusCode, body: parse(res.body), raw: res.body };
    },
    bearer: async (sub) => `Bearer ${await mintToken(auth.localSecret!, { sub, roles: ['central-admin'] })}`,
    events: async () => (await Promise.all(stores.map((s) => s.headPosition()))).reduce((a, b) => a + b, 0),
    settled: async () => {
      while (!(await app.get(EmbeddedSnapshots).relaysCaughtUp())) await new Promise((resolve) => setTimeout(resolve, 10));
    },
    close: () => app.close(),
  };
}

function parse(text: string): Answer['body'] {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
