import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { createConnection, Connection } from 'mongoose';
import { EventStore } from '@register/event-sourcing';
import { SqlCheckpointStore } from '@register/event-store';
import { CheckpointStore, createKafka, eventsTopic, EventPublisher, InProcessBus, InProcessEventPublisher, KafkaEventPublisher, LogRelay, RelayHost } from '@register/messaging';
import { RegisterConfig } from './config';
import { EmbeddedSnapshots } from './embedded-snapshot';
import { EventStoreConnections } from './event-store.module';
import { Readiness } from './health';
import { REGISTER_CONFIG } from './tokens';
import { UpstreamLogs } from './upstream-logs';

/**
 * The embedded start's broker: one bus per application, shared by every service's relay and consumers.
 * Made by a factory, not once at import: an app opened after another in the same process (a restart
 * in a test) would otherwise inherit the first one's dead letters and find the bus already open.
 */
@Global()
@Module({ providers: [{ provide: InProcessBus, useFactory: () => new InProcessBus() }], exports: [InProcessBus] })
export class InProcessBusModule {}

/** Relay checkpoints on MongoDB, for logs kept on EventStoreDB (which has no table to keep them beside the log). */
@Injectable()
export class MongoCheckpointStore implements CheckpointStore, OnApplicationShutdown {
  private readonly connection: Connection;
  constructor(@Inject(REGISTER_CONFIG) config: RegisterConfig) {
    this.connection = createConnection(config.mongoUrl);
  }
  async load(name: string): Promise<number> {
    const doc = await this.connection.collection<{ _id: string; position: number }>('relay_checkpoints').findOne({ _id: name });
    return doc?.position ?? 0;
  }
  async save(name: string, position: number): Promise<void> {
    await this.connection.collection<{ _id: string; position: number }>('relay_checkpoints').updateOne({ _id: name }, { $set: { position } }, { upsert: true });
  }
  async onApplicationShutdown() {
    await this.connection.close();
  }
}

async function publisherFor(config: RegisterConfig, service: string, bus: InProcessBus | undefined): Promise<EventPublisher> {
  if (config.mode === 'embedded') return new InProcessEventPublisher(bus!);
  // Its topic is created, if missing, at the first publish: a start does not wait for the broker.
  return new KafkaEventPublisher(createKafka({ brokers: config.kafkaBrokers, clientId: `${service}-relay` }));
}

async function checkpointsFor(config: RegisterConfig, connections: EventStoreConnections, service: string, snapshots?: EmbeddedSnapshots): Promise<CheckpointStore> {
  // Embedded: the bus keeps no history and its consumers keep their state in memory, so the relay
  // resumes where the restored snapshot's consumers stood, or from 0 when nothing was restored.
  if (config.mode === 'embedded') return snapshots!.checkpointsOf(service);
  const sql = await connections.sqlClient();
  return sql ? SqlCheckpointStore.open(sql, service) : new MongoCheckpointStore(config);
}

/**
 * Distributed on PostgreSQL, the relay of one instance of the service publishes and the others
 * stand by (a lock of the database, ProcessLocks): each would otherwise publish every event again.
 * Embedded (one process) and on EventStoreDB (no such lock here), every relay publishes.
 */
async function leadershipOf(config: RegisterConfig, connections: EventStoreConnections, service: string) {
  if (config.mode === 'embedded') return undefined;
  const locks = (await connections.sqlClient())?.processLocks?.();
  return locks && (() => locks.tryLead(`register.relay:${service}`));
}

/**
 * Publishes a service's log to `register.<service>.events` (Kafka, or the in-process bus in the
 * embedded start). Exactly one relay per service log; it starts and stops with the application.
 */
export function relayProviders(service: string, storeToken: symbol) {
  const token = Symbol(`${service}-relay`);
  return [
    {
      provide: token,
      inject: [REGISTER_CONFIG, EventStoreConnections, storeToken, { token: InProcessBus, optional: true }, { token: EmbeddedSnapshots, optional: true }, { token: Readiness, optional: true }, { token: UpstreamLogs, optional: true }],
      useFactory: async (config: RegisterConfig, connections: EventStoreConnections, store: EventStore, bus?: InProcessBus, snapshots?: EmbeddedSnapshots, readiness?: Readiness, upstream?: UpstreamLogs) => {
        if (process.env.REGISTER_RELAY === 'off') {
          snapshots?.addLog(service, store);
          return undefined;
        }
        const publisher = await publisherFor(config, service, bus);
        const relay = new LogRelay(store, publisher, eventsTopic(service), await checkpointsFor(config, connections, service, snapshots), 'relay', { leadership: await leadershipOf(config, connections, service) });
        snapshots?.addLog(service, store, relay);
        // Embedded, the process's replicas of other services' logs (personnel's branches...) learn
        // only through the relays: after a restart they lack the tail a relay publishes again, and a
        // caller that trusts ready would be refused ("branch unknown"). Ready waits for each relay to
        // have published, and the bus's consumers handled, the log as it stood at start (docs/faults.md).
        // Distributed, the relay's lag is Kafka's and the consuming service's, not this service's.
        if (config.mode === 'embedded') readiness?.add(`relay:${service}`, async () => relay.assertPublishedStart());
        upstream?.addLocal(service, store, relay);
        return new RelayHost(relay, publisher);
      },
    },
  ];
}
