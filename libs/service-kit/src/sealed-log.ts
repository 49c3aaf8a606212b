import { Provider } from '@nestjs/common';
import { EventSchemas, EventStore } from '@register/event-sourcing';
import { KeyVault, readOnlyKeys, SealingPolicy, ShreddingEventStore, SqlKeyVault } from '@register/personal-data';
import { Clock } from './clock';
import { commandHandlerOn, EventStoreConnections, logIntegrityProvider } from './event-store.module';
import { auditableLogToken } from './internal-log';

/** The tokens of a log whose members' free text is sealed: as stored, its key table, opened, and its command handler. */
export interface SealedLogTokens {
  /** The log as stored (sealed): what the relay publishes and the chain covers. */
  log: symbol;
  keys: symbol;
  /** The log opened with the keys: what commands, projections and reads use. */
  store: symbol;
  commands: symbol;
}

/**
 * serviceEventStoreProviders for a service whose events about a member carry free text (reasons,
 * titles) that must go when the member's personal data is erased: sealed at rest under keys of this
 * service's own (`<service>.personal_data_keys`, beside its log), which it shreds when personnel's
 * erasure reaches it. On EventStoreDB there is no key table and the log is written unsealed.
 */
export function sealedServiceEventStoreProviders(service: string, schemas: EventSchemas, tokens: SealedLogTokens, policy: SealingPolicy, options: { auditableLog?: boolean } = {}): Provider[] {
  const providers: Provider[] = [
    { provide: tokens.log, inject: [EventStoreConnections], useFactory: (c: EventStoreConnections) => c.open(service, schemas) },
    // After the log (injected, unused): two `create schema if not exists` racing on a fresh database, one fails.
    {
      provide: tokens.keys,
      inject: [EventStoreConnections, tokens.log],
      useFactory: async (c: EventStoreConnections): Promise<KeyVault | null> => {
        const sql = await c.sqlClient();
        return sql ? SqlKeyVault.open(sql, service) : null;
      },
    },
    { provide: tokens.store, inject: [tokens.log, tokens.keys], useFactory: (log: EventStore, keys: KeyVault | null): EventStore => (keys ? new ShreddingEventStore(log, keys, { policy }) : log) },
    { provide: tokens.commands, inject: [tokens.store, { token: Clock, optional: true }], useFactory: (store: EventStore, clock?: Clock) => commandHandlerOn(store, schemas, clock) },
    // The chain covers the log as stored, so that shredding a key breaks no hash.
    logIntegrityProvider(service, tokens.log),
  ];
  // Auditors read the reasons opened, through a read-only view of the vault (a key erased reads "[erased]"); `auditableLog: false`: the service provides its own.
  const auditable = { provide: auditableLogToken(service), inject: [tokens.log, tokens.keys], useFactory: (log: EventStore, keys: KeyVault | null) => (keys ? new ShreddingEventStore(log, readOnlyKeys(keys), { policy }) : log) };
  return options.auditableLog === false ? providers : [...providers, auditable];
}
