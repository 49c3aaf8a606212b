import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { createConnection, Connection } from 'mongoose';
import { EventStore } from '@register/event-sourcing';
import { SqlCheckpointStore } from '@register/event-store';
import { CheckpointStore, createKafka, ensureTopics, eventsTopic, EventPublisher, InProcessBus, InProcessEventPublisher, KafkaEventPublisher, LogRelay, RelayHost } from '@register/messaging';
import { RegisterConfig } from './config';
import { EventStoreConnections } from './event-store.module';
import { REGISTER_CONFIG } from './tokens';

/** The embedded start's broker: one bus per process, shared by every service's relay and consumers. */
@Global()
@Module({ providers: [{ provide: InProcessBus, useValue: new InProcessBus() }], exports: [InProcessBus] })
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
  const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: `${service}-relay` });
  await ensureTopics(kafka, [{ topic: eventsTopic(service) }]); // production topics come from deploy/kafka
  return new KafkaEventPublisher(kafka);
}

/**
 * The embedded start's relay checkpoints, in memory: the in-process bus keeps no history and the
 * consumers on it keep their replicas in memory, so at each start the relay publishes the whole log
 * again and the replicas are whole again (handlers skip what they applied; reactions append nothing twice).
 */
class EveryStartFromTheBeginning implements CheckpointStore {
  private readonly positions = new Map<string, number>();
  async load(name: string): Promise<number> {
    return this.positions.get(name) ?? 0;
  }
  async save(name: string, position: number): Promise<void> {
    this.positions.set(name, position);
  }
}

async function checkpointsFor(config: RegisterConfig, connections: EventStoreConnections, service: string): Promise<CheckpointStore> {
  if (config.mode === 'embedded') return new EveryStartFromTheBeginning();
  const sql = await connections.sqlClient();
  return sql ? SqlCheckpointStore.open(sql, service) : new MongoCheckpointStore(config);
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
      inject: [REGISTER_CONFIG, EventStoreConnections, storeToken, { token: InProcessBus, optional: true }],
      useFactory: async (config: RegisterConfig, connections: EventStoreConnections, store: EventStore, bus?: InProcessBus) => {
        if (process.env.REGISTER_RELAY === 'off') return undefined;
        const publisher = await publisherFor(config, service, bus);
        return new RelayHost(new LogRelay(store, publisher, eventsTopic(service), await checkpointsFor(config, connections, service), 'relay'), publisher);
      },
    },
  ];
}
