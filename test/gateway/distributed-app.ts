import { INestApplication, Type } from '@nestjs/common';
import { mintToken, MintOptions } from '@register/auth';
import { EventStore } from '@register/event-sourcing';
import { connectConsumers, ConsumerGroupSpec, createHttpApp, InternalCallersModule, RegisterConfig, rootModuleOf, startConsumers } from '@register/service-kit';
import { GatewayModule } from '../../services/gateway/src/gateway.module';
import { GatewayProxyModule } from '../../services/gateway/src/proxy/proxy.module';
import { AuthService } from '../../services/gateway/src/security/auth.service';
import { ORGANISATION_STORE } from '../../services/organisation/src/application/tokens';
import { OrganisationModule } from '../../services/organisation/src/organisation.module';
import { PERSONNEL_STORE } from '../../services/personnel/src/application/tokens';
import { PersonnelModule } from '../../services/personnel/src/personnel.module';
import { OrganisationReactions } from '../../services/personnel/src/reactions/organisation-reactions.service';
import { httpClient } from '../support/http';
import { distributedConfig } from '../support/distributed-config';
import { handOver, seedTree } from './gateway-app';

/**
 * The distributed register on the real servers: organisation, personnel and the gateway as three
 * apps on their own ports, on a fresh PostgreSQL database, the tree seeded through the gateway.
 */
/** Another service to start beside them (its module), and the variable that tells the gateway its URL. */
export interface ExtraService {
  module: Type<unknown>;
  urlEnv: string;
  /**
   * Its consumer group, connected on Kafka as its main.ts connects it (name it per run). With one
   * given, every service's relay publishes its log; without, relays are off and replicas are handed
   * events from the logs.
   */
  consumers?: ConsumerGroupSpec;
}

export async function startDistributed(secret: string, extra: ExtraService[] = []) {
  process.env.REGISTER_INTERNAL_SECRET = secret;
  const overKafka = extra.some((s) => s.consumers);
  if (overKafka) delete process.env.REGISTER_RELAY;
  else process.env.REGISTER_RELAY = 'off';
  // Scenarios admit thousands through the gateway: its per-caller rate limit is not their subject.
  process.env.REGISTER_RATE_PER_SEC ??= '100000';
  process.env.REGISTER_RATE_BURST ??= '100000';
  const config = await distributedConfig('gw_dist');
  const organisation = await createHttpApp(rootModuleOf(config, [InternalCallersModule, OrganisationModule]), { title: 'organisation', logger: false });
  const direct = await httpClient(organisation);
  const personnel = await createHttpApp(rootModuleOf(config, [InternalCallersModule, PersonnelModule]), { title: 'personnel', logger: false });
  await personnel.listen(0, '127.0.0.1');
  process.env.ORGANISATION_URL = (await organisation.getUrl()).replace('[::1]', '127.0.0.1');
  process.env.PERSONNEL_URL = (await personnel.getUrl()).replace('[::1]', '127.0.0.1');
  const apps: INestApplication[] = [];
  for (const service of extra) {
    const app = await createHttpApp(rootModuleOf(config, [InternalCallersModule, service.module]), { title: service.urlEnv, logger: false });
    if (service.consumers) {
      connectConsumers(app, config, service.consumers);
      await startConsumers(app, config);
    }
    await app.listen(0, '127.0.0.1');
    process.env[service.urlEnv] = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    apps.push(app);
  }
  const gateway = await createHttpApp(rootModuleOf(config, [GatewayModule, GatewayProxyModule]), { title: 'gateway', logger: false });
  const gw = await httpClient(gateway);
  const orgStore = organisation.get<EventStore>(ORGANISATION_STORE);
  const personnelStore = personnel.get<EventStore>(PERSONNEL_STORE);
  const auth = gateway.get(AuthService);
  const token = async (o: MintOptions) => ({ authorization: `Bearer ${await mintToken(auth.localSecret!, o)}` });
  const admin = await token({ sub: 'admin', roles: ['central-admin'] });
  await seedTree({ post: async (path: string, body: unknown) => {
    const r = await gw.post(path, body, admin);
    return { status: r.status, raw: JSON.stringify(r.body) };
  } } as never);
  // Personnel learns organisation's events as its consumer would (the bus is not this test's subject).
  await handOver(orgStore, personnel.get(OrganisationReactions))();
  return {
    organisation, personnel, gateway, gw, direct, orgStore, personnelStore, auth, token, apps, admin, config,
    heads: async () => `${await orgStore.headPosition()}/${await personnelStore.headPosition()}`,
    close: async () => {
      await gateway.close();
      for (const app of apps) await app.close();
      for (const service of extra) delete process.env[service.urlEnv];
      await personnel.close();
      await organisation.close();
      delete process.env.REGISTER_RELAY;
    },
  };
}

export type Distributed = Awaited<ReturnType<typeof startDistributed>>;

/**
 * One service as its process starts it: behind the gateway (its URL in `urlEnv`), its relay on, its
 * consumer group on Kafka (name `group` per run), then HTTP on a loopback port.
 */
export async function startServiceBehindGateway(config: RegisterConfig, module: Type<unknown>, group: ConsumerGroupSpec, urlEnv: string) {
  const app = await createHttpApp(rootModuleOf(config, [InternalCallersModule, module]), { title: urlEnv, logger: false });
  connectConsumers(app, config, group);
  await startConsumers(app, config);
  await app.listen(0, '127.0.0.1');
  process.env[urlEnv] = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return app;
}
