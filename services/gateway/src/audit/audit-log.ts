import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { RecordedEvent } from '@register/event-sourcing';
import { AuditableLog, auditableLogIn, REGISTER_CONFIG, RegisterConfig } from '@register/service-kit';

/**
 * The logs the audit API reads: each service's (training's and evaluation's too: api.md's "the
 * log"). Their personal data stays as each service gives it to auditors (personnel's sealed;
 * training's and evaluation's events carry member ids, no names).
 */
export const AUDITED_SERVICES = ['organisation', 'personnel', 'training', 'evaluation'] as const;
export type AuditedService = (typeof AUDITED_SERVICES)[number];

/** Distributed: a service's log read through that service's own internal endpoint (proxy/). */
export const REMOTE_LOGS = Symbol('REMOTE_LOGS');
export type RemoteLogs = (service: string) => AuditableLog;

/**
 * The logs the audit API reads: every service's, as each service gives it to auditors. In one
 * process, the log its module provides under auditableLogToken; in the distributed register,
 * through the service's internal endpoint. The gateway opens no service's database. Positions
 * are per service (each owns its log), so the audit API pages each log by its own position.
 */
@Injectable()
export class AuditLogs {
  /** Every service's log: the four the verifications, checkpoints and exports cover. */
  static readonly SERVICES: readonly string[] = AUDITED_SERVICES;

  private remote?: RemoteLogs;

  constructor(
    private readonly modules: ModuleRef,
    @Inject(REGISTER_CONFIG) private readonly config: RegisterConfig,
  ) {}

  async all(): Promise<Array<[string, AuditableLog]>> {
    return AuditLogs.SERVICES.flatMap((name) => {
      const log = this.logOf(name);
      return log ? [[name, log] as [string, AuditableLog]] : [];
    });
  }

  private logOf(name: string): AuditableLog | undefined {
    const here = auditableLogIn(this.modules, name);
    if (here || this.config.mode !== 'distributed') return here;
    this.remote ??= this.remoteLogs();
    return this.remote?.(name);
  }

  /** Provided by the distributed gateway's proxy module, which imports this one (hence not injected). */
  private remoteLogs(): RemoteLogs | undefined {
    try {
      return this.modules.get<RemoteLogs>(REMOTE_LOGS, { strict: false });
    } catch {
      return undefined;
    }
  }

  async of(service: string): Promise<AuditableLog | undefined> {
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
    onBehalfOf: e.metadata.onBehalfOf ?? null,
    data: e.data,
  };
}
