import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ORGANISATION_SCHEMA_VERSIONS, PERSONNEL_SCHEMA_VERSIONS } from '@register/contracts';
import { EventSchemas, EventStore, RecordedEvent } from '@register/event-sourcing';
import { EventStoreConnections, REGISTER_CONFIG, RegisterConfig } from '@register/service-kit';
import { ORGANISATION_STORE } from '../../../organisation/src/application/tokens';
import { PERSONNEL_STORE } from '../../../personnel/src/application/tokens';
import { SqlKeyReader } from '../../../personnel/src/personal-data/sealing';
import { ShreddingEventStore } from '../../../personnel/src/personal-data/shredding-event-store';

/**
 * Distributed: personnel's log as stored has members' free text (reasons, decisions) sealed with
 * their keys. Auditors read the reasons, so the gateway opens them through a read-only view of the
 * key table that keeps no live key (an erasure shows at the next read); names stay sealed here.
 */
async function personnelForAuditors(log: EventStore, connections: EventStoreConnections): Promise<EventStore> {
  const sql = await connections.sqlClient();
  return sql ? new ShreddingEventStore(log, new SqlKeyReader(sql, 'personnel'), { openPersonal: false }) : log;
}

/**
 * The logs the audit API reads: every service's. In one process, the services' own stores; in the
 * distributed register, the gateway opens each service's log read-only through the same event-store
 * settings (the log is the register's record, which auditors read whole; no service's read models
 * are touched). Positions are per service (each owns its log), so the audit API pages each log by
 * its own position. Each service that gets a log adds itself here.
 */
@Injectable()
export class AuditLogs {
  private readonly stores = new Map<string, Promise<EventStore | undefined>>();

  constructor(
    private readonly modules: ModuleRef,
    private readonly connections: EventStoreConnections,
    @Inject(REGISTER_CONFIG) private readonly config: RegisterConfig,
  ) {}

  /** Each service: its store's token in one process, its schema versions, and how auditors read its log as stored. */
  static readonly SERVICES: Array<[string, symbol, Record<string, number>, ((log: EventStore, c: EventStoreConnections) => Promise<EventStore>)?]> = [
    ['organisation', ORGANISATION_STORE, ORGANISATION_SCHEMA_VERSIONS],
    ['personnel', PERSONNEL_STORE, PERSONNEL_SCHEMA_VERSIONS, personnelForAuditors],
  ];

  async all(): Promise<Array<[string, EventStore]>> {
    const found = await Promise.all(AuditLogs.SERVICES.map(async ([name]) => [name, await this.storeOf(name)] as const));
    return found.filter((f): f is [string, EventStore] => f[1] !== undefined);
  }

  /**
   * One opening per log, shared by concurrent requests: two audit reads arriving together on a fresh
   * gateway each opened the log and one of them failed (500). A failed opening is tried again later.
   */
  private storeOf(name: string): Promise<EventStore | undefined> {
    let store = this.stores.get(name);
    if (!store) {
      store = this.open(name);
      // Not found (yet) or failed: the next request asks again.
      const forget = () => void this.stores.delete(name);
      store.then((s) => s ?? forget(), forget);
      this.stores.set(name, store);
    }
    return store;
  }

  private async open(name: string): Promise<EventStore | undefined> {
    const [, token, versions, forAuditors] = AuditLogs.SERVICES.find(([n]) => n === name)!;
    try {
      return this.modules.get<EventStore>(token, { strict: false });
    } catch {
      // That service does not run in this process: distributed, its log is opened here.
      if (this.config.mode !== 'distributed') return undefined;
    }
    const log = await this.connections.open(name, new EventSchemas(versions));
    return forAuditors ? forAuditors(log, this.connections) : log;
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
