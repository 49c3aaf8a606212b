import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import { CommandHandler, EventSchemas, EventStore, SnapshotStore, UpcastingEventStore } from '@register/event-sourcing';
import { createPglite, EventStoreDbEventStore, PGLITE_LOG_TEMPLATE_ENV, pgliteClient, pgliteThreadClient, postgresClient, SqlClient, SqlEventStore, SqlLogCheckpoints, SqlSnapshotStore } from '@register/event-store';
import { LogIntegrity } from '@register/verifiable-log';
import { Clock } from './clock';
import { RegisterConfig } from './config';
import { eventLogLock, lockFolder } from './folder-lock';
import { Readiness } from './health';
import { auditableLogToken } from './internal-log';
import { CheckpointedLog, checkpointCadence, logIntegrityToken, logSigner } from './log-integrity';
import { REGISTER_CONFIG } from './tokens';

/**
 * Opens each service's event log. Every service owns its own log (its own schema, or its own
 * stream prefix on EventStoreDB) and never reads another's: a service learns from the others'
 * published events only. In the embedded start all logs share one PGlite database.
 */
@Injectable()
export class EventStoreConnections implements OnApplicationShutdown {
  private client?: Promise<SqlClient>;
  /** Releases the embedded start's hold on its data folder (PGlite only). */
  private releaseFolder?: () => void;
  private readonly opened: EventStore[] = [];
  private readonly sqlLogs = new Map<string, SqlEventStore>();

  constructor(
    @Inject(REGISTER_CONFIG) private readonly config: RegisterConfig,
    @Optional() private readonly readiness?: Readiness,
  ) {}

  /** The SQL client the logs live on (PostgreSQL or PGlite); undefined on EventStoreDB. */
  async sqlClient(): Promise<SqlClient | undefined> {
    if (this.config.eventStore === 'eventstoredb') return undefined;
    this.client ??= this.connect();
    return { ...(await this.client), close: async () => undefined };
  }

  /** Where the service's views keep their snapshots, beside its log; undefined on EventStoreDB (the views replay). */
  async snapshots(service: string): Promise<SnapshotStore | undefined> {
    const sql = await this.sqlClient();
    return sql ? SqlSnapshotStore.open(sql, service) : undefined;
  }

  async open(service: string, schemas: EventSchemas): Promise<EventStore> {
    const store = await this.openRaw(service);
    this.opened.push(store);
    // Ready only while the log answers: a process that cannot append should not take requests.
    this.readiness?.add(`event-log:${service}`, async () => void (await store.headPosition()));
    return new UpcastingEventStore(store, schemas);
  }

  private async openRaw(service: string): Promise<EventStore> {
    if (this.config.eventStore === 'eventstoredb') return EventStoreDbEventStore.connect(this.config.eventStoreDbUrl!, `${service}.`);
    this.client ??= this.connect();
    const shared = await this.client;
    // The stores share one client; it is closed once, at shutdown.
    const store = await SqlEventStore.open({ ...shared, close: async () => undefined }, service);
    this.sqlLogs.set(service, store);
    return store;
  }

  /**
   * The service's log integrity (its hash chain's signed checkpoints, verification, proofs and
   * bundles), once its log is open; null on EventStoreDB, whose adapter has no chain to read.
   */
  async integrity(service: string): Promise<CheckpointedLog | null> {
    const store = this.sqlLogs.get(service);
    const sql = await this.sqlClient();
    if (!store || !sql) return null;
    const chain = store.chain;
    const logger = new Logger(`LogIntegrity:${service}`);
    const integrity = new LogIntegrity(service, `union-register/${service}`, chain, await SqlLogCheckpoints.open(sql, service), logSigner(this.config), (m) => logger.log(m));
    return new CheckpointedLog(integrity, () => chain.head(), checkpointCadence());
  }

  private async connect(): Promise<SqlClient> {
    if (this.config.eventStore === 'postgres') return postgresClient({ connectionString: this.config.postgresUrl });
    const dir = join(this.config.dataDir, 'event-log');
    mkdirSync(dir, { recursive: true });
    // One process at a time on a PGlite folder: a second would write the same files unseen by the first.
    this.releaseFolder = lockFolder(this.config.dataDir, eventLogLock(this.config.dataDir));
    return process.env.REGISTER_PGLITE_THREAD === 'off' ? pgliteClient(await createPglite(dir, PGLITE_LOG_TEMPLATE_ENV)) : pgliteThreadClient(dir, PGLITE_LOG_TEMPLATE_ENV);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.opened.map((s) => s.close()));
    await (await this.client)?.close();
    this.releaseFolder?.();
  }
}

@Global()
@Module({})
export class EventStoreConnectionsModule {
  static forRoot(config: RegisterConfig): DynamicModule {
    return {
      module: EventStoreConnectionsModule,
      providers: [{ provide: REGISTER_CONFIG, useValue: config }, EventStoreConnections],
      exports: [REGISTER_CONFIG, EventStoreConnections],
    };
  }
}

/**
 * The snapshots of a service's views, beside its log. Opened after the log (`after`): two
 * `create schema if not exists` racing on a fresh database, one fails.
 */
export function snapshotStoreProvider(service: string, token: symbol, after: symbol) {
  return { provide: token, inject: [EventStoreConnections, after], useFactory: (c: EventStoreConnections) => c.snapshots(service) };
}

/** The log's integrity, checkpointed on its cadence: after the log (`after`), which it reads. */
export function logIntegrityProvider(service: string, after: symbol) {
  return { provide: logIntegrityToken(service), inject: [EventStoreConnections, after], useFactory: (c: EventStoreConnections) => c.integrity(service) };
}

/** A service's command handler: a command without an effective date takes today by the application's Clock (ClockModule), else the system's. */
export const commandHandlerOn = (store: EventStore, schemas: EventSchemas, clock?: Clock) => new CommandHandler(store, schemas, clock ? { clock: () => clock.now() } : {});

/** A service's own log, upcast on read, the command handler over it, the log for auditors (the same) and its integrity. */
export function serviceEventStoreProviders(service: string, schemas: EventSchemas, storeToken: symbol, handlerToken: symbol) {
  return [
    { provide: storeToken, inject: [EventStoreConnections], useFactory: (c: EventStoreConnections) => c.open(service, schemas) },
    { provide: handlerToken, inject: [storeToken, { token: Clock, optional: true }], useFactory: (store: EventStore, clock?: Clock) => commandHandlerOn(store, schemas, clock) },
    { provide: auditableLogToken(service), useExisting: storeToken },
    logIntegrityProvider(service, storeToken),
  ];
}
