import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ORGANISATION_SCHEMA_VERSIONS, PERSONNEL_SCHEMA_VERSIONS } from '@register/contracts';
import { EventSchemas, EventStore, RecordedEvent } from '@register/event-sourcing';
import { EventStoreConnections, REGISTER_CONFIG, RegisterConfig } from '@register/service-kit';
import { ORGANISATION_STORE } from '../../../organisation/src/application/tokens';
import { PERSONNEL_STORE } from '../../../personnel/src/application/tokens';

/**
 * The logs the audit API reads: every service's. In one process, the services' own stores; in the
 * distributed register, the gateway opens each service's log read-only through the same event-store
 * settings (the log is the register's record, which auditors read whole; no service's read models
 * are touched). Positions are per service (each owns its log), so the audit API pages each log by
 * its own position. Each service that gets a log adds itself here.
 */
@Injectable()
export class AuditLogs {
  private readonly stores = new Map<string, EventStore>();

  constructor(
    private readonly modules: ModuleRef,
    private readonly connections: EventStoreConnections,
    @Inject(REGISTER_CONFIG) private readonly config: RegisterConfig,
  ) {}

  static readonly SERVICES: Array<[string, symbol, Record<string, number>]> = [
    ['organisation', ORGANISATION_STORE, ORGANISATION_SCHEMA_VERSIONS],
    ['personnel', PERSONNEL_STORE, PERSONNEL_SCHEMA_VERSIONS],
  ];

  async all(): Promise<Array<[string, EventStore]>> {
    for (const [name, token, versions] of AuditLogs.SERVICES) {
      if (this.stores.has(name)) continue;
      try {
        this.stores.set(name, this.modules.get<EventStore>(token, { strict: false }));
      } catch {
        // That service does not run in this process: distributed, its log is opened here.
        if (this.config.mode === 'distributed') this.stores.set(name, await this.connections.open(name, new EventSchemas(versions)));
      }
    }
    return [...this.stores];
  }

  async of(service: string): Promise<EventStore | undefined> {
    return (await this.all()).find(([name]) => name === service)?.[1];
  }
}

/** One change as auditors read it. */
export function auditView(service: string, e: RecordedEvent) {
  return {
    service,
    position: e.position,
    streamId: e.streamId,
    revision: e.revision,
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    actor: e.metadata.actor,
    reason: e.metadata.reason,
    decision: e.metadata.decision ?? null,
    effectiveDate: e.metadata.effectiveDate,
    recordedAt: e.recordedAt,
    correlationId: e.metadata.correlationId,
    causationId: e.metadata.causationId ?? null,
    data: e.data,
  };
}
