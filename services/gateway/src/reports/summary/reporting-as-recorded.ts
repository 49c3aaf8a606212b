import { Logger } from '@nestjs/common';
import { ReadAllOptions, RecordedEvent } from '@register/event-sourcing';
import { EventSource, liveTarget, MemoryReadStore, ProjectionQueries, ProjectionRunner, ReadStore } from '@register/read-models';
import { REPORTED_SERVICES, REPORTING_PROJECTIONS, ReportedService, reportingStore } from './reporting-projections';

/** What a summary is counted from: the reporting projections' queries, their shared store and the positions they reflect. */
export interface ReportingView {
  of(service: ReportedService, minPosition?: number): Promise<ProjectionQueries>;
  positions(): Record<string, number>;
  readonly store?: ReadStore;
}

/** The read side of a service's log a replay needs (the reporting read model's source of it). */
export type ReplaySource = Pick<EventSource, 'readAll' | 'headPosition'> & { readPages: NonNullable<EventSource['readPages']> };

/**
 * A service's log as the register had recorded it by an instant: its events up to the first one
 * recorded later. Positions follow recording instants (an append takes its instant under the log's
 * append lock), so nothing recorded by the instant lies beyond that first later one.
 */
class RecordedBy implements EventSource {
  /** The position of the last event kept (the log as recorded by then ends there, for this projection's types). */
  last = 0;
  private ended = false;

  constructor(
    private readonly log: ReplaySource,
    private readonly by: number,
  ) {}

  async readAll(after: number, limit: number, options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.ended ? [] : this.kept(await this.log.readAll(after, limit, options));
  }

  headPosition(): Promise<number> {
    return this.log.headPosition();
  }

  subscribe(): never {
    throw new Error('a log as recorded by an instant is read once, never followed');
  }

  async *readPages(after: number, pageSize: number, until?: number, options?: ReadAllOptions): AsyncIterable<RecordedEvent[]> {
    for await (const page of this.log.readPages(after, pageSize, until, options)) {
      const kept = this.kept(page);
      if (kept.length) yield kept;
      if (this.ended) return;
    }
  }

  private kept(page: RecordedEvent[]): RecordedEvent[] {
    const later = page.findIndex((e) => new Date(e.recordedAt).getTime() > this.by);
    const kept = later < 0 ? page : page.slice(0, later);
    if (later >= 0) this.ended = true;
    if (kept.length) this.last = kept[kept.length - 1].position;
    return kept;
  }
}

/**
 * The reporting read model as the register had recorded it by `by`: the four services' logs
 * folded, each up to its last event recorded by then, through the same projections into a store
 * of this process that is thrown away after use. The live read model keeps facts by effective
 * date only, so "as known at an instant" is answered by this replay (docs/reports.md); it reads
 * each log from its start.
 */
export async function reportingAsRecorded(sources: Partial<Record<ReportedService, ReplaySource>>, by: Date, logger?: Logger): Promise<ReportingView> {
  const started = Date.now();
  const store = reportingStore(new MemoryReadStore());
  const parts = new Map<ReportedService, { queries: ProjectionQueries; source: RecordedBy }>();
  // The four logs are read side by side, each projection writing its own field of the shared documents, as the live read model does.
  const folded = await Promise.all(
    REPORTED_SERVICES.filter((service) => sources[service]).map(async (service) => {
      const source = new RecordedBy(sources[service]!, by.getTime());
      const projection = REPORTING_PROJECTIONS[service];
      const runner = new ProjectionRunner(source, store, projection, { owner: `as-recorded-${by.toISOString()}` });
      const { events } = await runner.runOnce();
      parts.set(service, { source, queries: new ProjectionQueries(projection, store, liveTarget(projection), runner) });
      return events;
    }),
  );
  const events = folded.reduce((sum, n) => sum + n, 0);
  logger?.log(`the reporting read model as recorded by ${by.toISOString()}: ${events} events folded in ${Date.now() - started} ms`);
  return {
    store,
    positions: () => Object.fromEntries([...parts].map(([service, part]) => [service, part.source.last])),
    of: async (service) => {
      const part = parts.get(service);
      if (!part) throw new Error(`the reporting read model does not follow ${service}'s log here`);
      return part.queries;
    },
  };
}
