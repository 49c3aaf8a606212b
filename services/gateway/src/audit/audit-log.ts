import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { EventStore, RecordedEvent } from '@register/event-sourcing';
import { ORGANISATION_STORE } from '../../../organisation/src/application/tokens';
import { PERSONNEL_STORE } from '../../../personnel/src/application/tokens';

/**
 * The logs the audit API reads: every service's that runs in this process. Each service that gets
 * a log adds its token here. Positions are per service (each owns its log), so the audit API pages
 * each log by its own position.
 */
@Injectable()
export class AuditLogs {
  private readonly stores = new Map<string, EventStore>();

  constructor(private readonly modules: ModuleRef) {}

  static readonly TOKENS: Array<[string, symbol]> = [
    ['organisation', ORGANISATION_STORE],
    ['personnel', PERSONNEL_STORE],
  ];

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

  of(service: string): EventStore | undefined {
    return this.all().find(([name]) => name === service)?.[1];
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
