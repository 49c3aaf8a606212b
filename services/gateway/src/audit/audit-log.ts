import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { EventStore, RecordedEvent } from '@register/event-sourcing';
import { ORGANISATION_STORE } from '../../../organisation/src/application/tokens';

/**
 * The logs the audit API reads. Today the organisation service's (in this process); each service
 * that gets a log adds its token here (or, distributed, the gateway reads them over the services' APIs).
 */
@Injectable()
export class AuditLogs {
  private readonly stores = new Map<string, EventStore>();

  constructor(private readonly modules: ModuleRef) {}

  private static readonly TOKENS: Array<[string, symbol]> = [['organisation', ORGANISATION_STORE]];

  all(): Array<[string, EventStore]> {
    for (const [name, token] of AuditLogs.TOKENS) {
      if (this.stores.has(name)) continue;
      try {
        this.stores.set(name, this.modules.get<EventStore>(token, { strict: false }));
      } catch {
        // that service does not run in this process
      }
    }
    return [...this.stores];
  }

  organisation(): EventStore | undefined {
    return this.all().find(([name]) => name === 'organisation')?.[1];
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
