import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { calendarDayOf } from '@register/event-sourcing';
import { Lease, leaseOwner, ProjectionStates } from '@register/read-models';
import { Clock } from '@register/service-kit';
import { ReportingReadModel } from './reporting-read-model';
import { REPORTED_SERVICES } from './reporting-projections';
import { RefreshOutcome, ROLLUP_VERSION, ROLLUPS, SummaryRollups } from './summary-rollups.store';

/** How often the refresher looks whether the reporting projections moved (REPORT_ROLLUPS_EVERY_MS; default 5 s). */
export function rollupsEveryMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.REPORT_ROLLUPS_EVERY_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : 5000;
}

const LEASE_MS = 30_000;

/**
 * Keeps the stored year-end summaries (SummaryRollups) current: at most every few seconds, when
 * the four reporting projections' positions moved (or the day changed) since its last refresh,
 * it computes them all again and writes what changed. One refresher per read store at a time,
 * across instances: a lease of its own in the store's checkpoints, beside the projections'.
 */
@Injectable()
export class SummaryRollupRefresher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SummaryRollupRefresher');
  readonly rollups: SummaryRollups;
  private lease?: Lease;
  private held = false;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  /** The last refresh of this process (tests and the benchmark wait on it). */
  last?: RefreshOutcome;
  /** The last failure, if the last attempt failed. */
  error?: Error;

  constructor(
    private readonly reporting: ReportingReadModel,
    @Optional() private readonly clock?: Clock,
  ) {
    this.rollups = new SummaryRollups(reporting);
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Stops refreshing (after the refresh under way) and lets the lease go. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (this.held) await this.lease?.release();
    this.held = false;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private schedule() {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, rollupsEveryMs());
    this.timer.unref();
  }

  private today(): string {
    return this.clock?.today() ?? calendarDayOf(new Date());
  }

  /** One look: refresh if this process holds the lease and something moved. */
  async tick(): Promise<void> {
    try {
      const store = this.reporting.store;
      if (!store) return; // the reporting read model is not open yet
      this.lease ??= new Lease(new ProjectionStates(store), ROLLUPS, { owner: leaseOwner(), ttlMs: LEASE_MS, version: ROLLUP_VERSION, onInterrupt: () => (this.held = false) });
      if (!this.held) {
        if (!(await this.lease.acquire())) return; // another instance refreshes this store
        this.held = true;
        this.rollups.forget();
        this.last = undefined;
      }
      for (const s of REPORTED_SERVICES) {
        const runner = this.reporting.runner(s);
        // every projection served (caught up once), as the live read requires
        await runner?.assertReady();
        // a runner standing by (another instance writes the copy) moves only when asked to wait: without
        // this its position, and so the look below, would stay put while the documents change
        await runner?.waitFor(0, 0);
      }
      const today = this.today();
      const positions = this.reporting.positions();
      if (this.last && this.last.today === today && REPORTED_SERVICES.every((s) => positions[s] === this.last!.positions[s])) return;
      this.last = await this.rollups.refresh(today, () => this.lease!.assertFresh());
      this.error = undefined;
    } catch (error) {
      this.error = error as Error;
      if (!/catching up/.test(String(error))) this.logger.warn(`summary rollups not refreshed: ${(error as Error).message}`);
    }
  }
}
