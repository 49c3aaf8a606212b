import { INestApplication } from '@nestjs/common';
import { CustomTransportStrategy } from '@nestjs/microservices';
import { InProcessBus, InProcessServer, kafkaGroup, ReliableKafkaServer } from '@register/messaging';
import { RegisterConfig } from './config';

/** One service's consumer group; its @EventPattern controllers sit in the service's module. */
export interface ConsumerGroupSpec {
  /** `<service>.<purpose>` (docs/messaging.md), e.g. `personnel.branch-sync`. */
  group: string;
  /** The handlers keep their state in memory: never commit offsets, so each start reads from the beginning. */
  inMemory?: boolean;
}

/** The embedded start's one group: every module's handlers run in the one process. */
export const EMBEDDED_GROUP = 'embedded';

/**
 * Connects the transport that delivers other services' events to the app's @EventPattern handlers,
 * the same handler code in both modes:
 * - distributed: a ReliableKafkaServer for the service's one group. Nest binds every handler of an
 *   app to every server of it, which is why a service process has one group only;
 * - embedded: one InProcessServer over the process's bus, for the handlers of every module.
 * No filter is inherited from the HTTP app (problem+json means nothing to a transport); consumer
 * controllers carry @UseFilters(KeepHandlerErrors), as a hybrid app's microservice takes no global
 * filter once connected.
 */
export function connectConsumers(app: INestApplication, config: RegisterConfig, spec?: ConsumerGroupSpec): void {
  const strategy = consumerStrategy(app, config, spec);
  if (!strategy) return;
  app.connectMicroservice({ strategy }, { inheritAppConfig: false });
}

/** Starts the consumers; call before `listen`. The in-process bus opens only once its subscribers are there (it keeps no history). */
export async function startConsumers(app: INestApplication, config: RegisterConfig): Promise<void> {
  await app.startAllMicroservices();
  if (config.mode === 'embedded') app.get(InProcessBus).open();
}

function consumerStrategy(app: INestApplication, config: RegisterConfig, spec?: ConsumerGroupSpec): CustomTransportStrategy | undefined {
  if (config.mode === 'embedded') return new InProcessServer(app.get(InProcessBus), { group: EMBEDDED_GROUP });
  if (!spec) return undefined;
  return new ReliableKafkaServer({ brokers: config.kafkaBrokers, group: kafkaGroup(spec.group), commitOffsets: !spec.inMemory });
}
