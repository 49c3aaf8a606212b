import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { liveTarget, ProjectionQueries, ProjectionRunner, ReadModelBehind, ReadStore, ReadStores, rebuildOnVersionChange } from '@register/read-models';
import { AuditableLog, auditableLogIn, REGISTER_CONFIG, RegisterConfig, Readiness, UpstreamLogs } from '@register/service-kit';
import { REMOTE_LOGS, RemoteLogs } from '../../audit/audit-log';
import { ServiceLogSource } from './log-source';
import { reportingAsRecorded, ReportingView } from './reporting-as-recorded';
import { REPORTED_SERVICES, REPORTING_PROJECTIONS, REPORTING_STORE, ReportedService, reportingStore } from './reporting-projections';

/**
 * The reporting read model: a runner per service's log, each into the gateway's read store with
 * its own checkpoint, lease and rebuilds, like every projection; each writes its own field of the
 * branches' shared reporting documents (reportingStore). Reports wait on it per service.
 */
@Injectable()
export class ReportingReadModel implements ReportingView, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly parts = new Map<ReportedService, { runner: ProjectionRunner; queries: ProjectionQueries; source: ServiceLogSource }>();
  private readonly logger = new Logger('ReportingReadModel');
  /** Where the documents live (the gateway's read store `reporting`), once started: for rebuilds and diffs. */
  store?: ReadStore;

  constructor(
    private readonly modules: ModuleRef,
    private readonly stores: ReadStores,
    @Inject(REGISTER_CONFIG) private readonly config: RegisterConfig,
    @Optional() private readonly readiness?: Readiness,
    @Optional() private readonly upstream?: UpstreamLogs,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const store = (this.store = reportingStore(await this.stores.open(REPORTING_STORE)));
    const logger = { log: (m: string) => this.logger.log(m), warn: (m: string) => this.logger.warn(m), error: (m: string) => this.logger.error(m) };
    for (const service of REPORTED_SERVICES) {
      const log = this.logOf(service);
      if (!log) continue;
      const source = new ServiceLogSource(log);
      const projection = REPORTING_PROJECTIONS[service];
      const runner = new ProjectionRunner(source, store, projection, { onVersionChange: rebuildOnVersionChange({ logger }), logger });
      this.parts.set(service, { runner, source, queries: new ProjectionQueries(projection, store, liveTarget(projection), runner) });
      this.readiness?.add(`read-model:reporting/${projection.name}`, () => runner.assertReady());
      runner.start();
    }
  }

  /** The service's log as the gateway reads it: in this process (embedded), else through the service's internal endpoint. */
  private logOf(service: ReportedService): AuditableLog | undefined {
    const here = auditableLogIn(this.modules, service);
    if (here || this.config.mode !== 'distributed') return here;
    try {
      return this.modules.get<RemoteLogs>(REMOTE_LOGS, { strict: false })(service);
    } catch {
      return undefined;
    }
  }

  /** New events of `service` are published: its projection reads them now rather than at its next poll. */
  wake(service: string): void {
    this.parts.get(service as ReportedService)?.source.wake();
  }

  /** The queries of one service's part, once it caught up to `minPosition` in that service's log (503 or 400 otherwise). */
  async of(service: ReportedService, minPosition?: number): Promise<ProjectionQueries> {
    const part = this.parts.get(service);
    if (!part) throw new Error(`the reporting read model does not follow ${service}'s log here`);
    return part.queries.require(minPosition);
  }

  /**
   * The positions a report waits for, once the logs of this process that could hold the ones asked
   * have reached their consumers (UpstreamLogs, docs/openapi.md): then each log's head, which holds
   * the reactions (a merger's members moved by personnel); otherwise the positions asked. 503 when a
   * log does not get there in time. The gateway's own logs are none: every service's counts.
   */
  async settled(minPositions: Record<string, number>, timeoutMs = 3000): Promise<Record<string, number>> {
    const asked = Math.max(0, ...Object.values(minPositions));
    if (!this.upstream || asked === 0) return minPositions;
    const settled = await this.upstream.settle(asked, 'gateway', Date.now() + timeoutMs);
    if (settled === 'behind') throw new ReadModelBehind('reporting', asked, Math.min(...Object.values(this.positions())));
    if (settled === 'none') return minPositions;
    const heads = await Promise.all([...this.parts].map(async ([service, part]) => [service, await part.source.headPosition()] as const));
    return Object.fromEntries(heads);
  }

  /** The read model as the register had recorded it by an instant: each log this one follows replayed up to then (reporting-as-recorded.ts). */
  asRecordedBy(by: Date): Promise<ReportingView> {
    return reportingAsRecorded(Object.fromEntries([...this.parts].map(([service, part]) => [service, part.source])), by, this.logger);
  }

  /** The position of each service's log the read model reflects. */
  positions(): Record<string, number> {
    return Object.fromEntries([...this.parts].map(([service, part]) => [service, part.runner.position]));
  }

  runner(service: ReportedService): ProjectionRunner | undefined {
    return this.parts.get(service)?.runner;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.parts.values()].map((p) => p.runner.stop()));
  }
}
