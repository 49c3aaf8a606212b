import { INestApplication } from '@nestjs/common';
import { DiscoveryService, ModulesContainer } from '@nestjs/core';
import { CustomTransportStrategy } from '@nestjs/microservices';
import { SqlGroupSnapshots } from '@register/event-store';
import { InProcessBus, InProcessServer, instanceGroup, kafkaGroup, ReliableKafkaServer } from '@register/messaging';
import { RegisterConfig } from './config';
import { EventStoreConnections } from './event-store.module';
import { GroupSnapshots } from './group-snapshots';
import { Readiness } from './health';
import { isSnapshotPart, SnapshotPart } from './snapshot-part';
import { UpstreamLogs } from './upstream-logs';

/** One service's consumer group; its @EventPattern controllers sit in the service's module. */
export interface ConsumerGroupSpec {
  /** `<service>.<purpose>` (docs/messaging.md), e.g. `personnel.branch-sync`. */
  group: string;
  /**
   * The handlers keep their state in memory. Each instance of the service then consumes in a group
   * of its own (`<group>.<REGISTER_INSTANCE_ID>`, instanceGroup) and keeps the whole state. With the SnapshotParts they feed and a SQL log, the
   * state is saved with the offsets it includes (GroupSnapshots) and a start resumes from it; without
   * (EventStoreDB, REGISTER_GROUP_SNAPSHOTS=off, no part) offsets are never committed and each start
   * reads the topics from the beginning.
   */
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

/**
 * Starts the consumers; call before `listen`. The in-process bus opens only once its subscribers are
 * there (it keeps no history), and, embedded, once the app is initialised: the snapshot is restored
 * in the init (EmbeddedSnapshots.onModuleInit), and the bus sends its restored dead letters back
 * when it opens, so an open before the restore never sent them (the relays, started in the init,
 * wait for the open to publish).
 */
export async function startConsumers(app: INestApplication, config: RegisterConfig): Promise<void> {
  await app.startAllMicroservices();
  if (config.mode !== 'embedded') return;
  await app.init();
  app.get(InProcessBus).open();
}

function consumerStrategy(app: INestApplication, config: RegisterConfig, spec?: ConsumerGroupSpec): CustomTransportStrategy | undefined {
  if (config.mode === 'embedded') return new InProcessServer(app.get(InProcessBus), { group: EMBEDDED_GROUP });
  if (!spec) return undefined;
  // In memory, each instance reads every partition, in a group of its own (instanceGroup).
  const group = kafkaGroup(spec.inMemory ? instanceGroup(spec.group) : spec.group);
  const snapshots = spec.inMemory ? groupSnapshotsOf(app, config, spec.group, group) : undefined;
  const server = new ReliableKafkaServer({ brokers: config.kafkaBrokers, group, commitOffsets: !spec.inMemory, resumable: snapshots, deadLetterGroup: kafkaGroup(spec.group) });
  snapshots?.attach(server);
  // Not ready before the group has handled what its topics held at start (its lag then): a replica
  // in memory is empty until it has, and personnel would refuse a branch organisation had long told of.
  // Nor while a handler runs past the group's session (its consumer is then dropped from the group).
  app.get(Readiness, { strict: false }).add(`consumer:${spec.group}`, async () => server.assertConsuming());
  app.get(UpstreamLogs, { strict: false }).attachConsumer(server);
  return server;
}

/** The group's snapshots, when it feeds SnapshotParts and the service's log is in SQL (the table sits beside it). */
function groupSnapshotsOf(app: INestApplication, config: RegisterConfig, spec: string, group: string): GroupSnapshots | undefined {
  if (config.eventStore === 'eventstoredb' || process.env.REGISTER_GROUP_SNAPSHOTS === 'off') return undefined;
  const parts = groupParts(app);
  if (parts.length === 0) return undefined;
  const service = spec.slice(0, spec.indexOf('.'));
  const connections = app.get(EventStoreConnections);
  let store: Promise<SqlGroupSnapshots> | undefined;
  const open = async () => {
    const sql = await connections.sqlClient();
    return SqlGroupSnapshots.open(sql!, service);
  };
  return new GroupSnapshots(group, () => parts, () => (store ??= open()), undefined, kafkaGroup(spec));
}

/** The app's SnapshotParts that its consumers feed (not those fed from the service's own log). */
export function groupParts(app: INestApplication): SnapshotPart[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const instances = [...discovery.getProviders(), ...discovery.getControllers()].map((wrapper) => wrapper.instance as unknown);
  const parts = [...new Set(instances.filter(isSnapshotPart))].filter((part) => !part.ownLog);
  const names = parts.map((part) => part.snapshotName);
  const twice = names.filter((name, i) => names.indexOf(name) !== i);
  if (twice.length) throw new Error(`snapshot parts named twice: ${twice.join(', ')}`);
  return parts;
}
