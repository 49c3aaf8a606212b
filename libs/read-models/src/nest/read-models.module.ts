import { BeforeApplicationShutdown, DynamicModule, Inject, Injectable, InjectionToken, Logger, Module, ModuleMetadata, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { EventSchemas, EventStore } from '@register/event-sourcing';
import { EventStoreConnections, Readiness, UpstreamLogs } from '@register/service-kit';
import { liveTarget } from '../naming';
import { AnyProjection, Projection } from '../projection';
import { ProjectionQueries } from '../queries';
import { ReadStore } from '../read-store';
import { rebuildOnVersionChange } from '../rebuild';
import { registerProjections } from '../registry';
import { EventSource, ProjectionRunner, RunnerOptions } from '../runner';
import { ReadStores, ReadStoresModule } from './read-stores';

export interface ReadModelsFeature {
  service: string;
  projections: AnyProjection[];
  /**
   * The token under which the service provides its EventStore (upcasting). The module that provides
   * it must be global or listed in `imports`. Prefer it: appends through the same instance wake the
   * runners at once on PGlite, which has no cross-instance notification.
   */
  storeToken?: InjectionToken;
  imports?: ModuleMetadata['imports'];
  /** Without `storeToken`: the service's log is opened through EventStoreConnections with these schemas. */
  schemas?: EventSchemas;
  runner?: Omit<RunnerOptions, 'target' | 'onProgress'>;
  /** Default bound on a `minPosition` wait. */
  waitMs?: number;
}

const FEATURE = Symbol('READ_MODELS_FEATURE');
const SOURCE = Symbol('READ_MODELS_SOURCE');
const STORE = Symbol('READ_MODELS_STORE');

/**
 * A service's read models: runs its projections (started with the application, stopped before it
 * shuts down), reports them to readiness, and gives controllers typed queries:
 * `readModels.of(branchList).require(minPosition)` then `.collection('branches').page(...)`.
 */
@Injectable()
export class ReadModelQueries implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly runners = new Map<string, ProjectionRunner>();
  private readonly queries = new Map<string, ProjectionQueries>();

  constructor(
    @Inject(FEATURE) private readonly feature: ReadModelsFeature,
    @Inject(SOURCE) source: EventSource,
    @Inject(STORE) readonly store: ReadStore,
    @Optional() readiness?: Readiness,
    @Optional() upstream?: UpstreamLogs,
  ) {
    const nest = new Logger(`ReadModels:${feature.service}`);
    const logger = { log: (m: string) => nest.log(m), warn: (m: string) => nest.warn(m), error: (m: string) => nest.error(m) };
    for (const projection of feature.projections) {
      const runner = new ProjectionRunner(source, store, projection, { onVersionChange: rebuildOnVersionChange({ logger }), logger, ...feature.runner });
      this.runners.set(projection.name, runner);
      const settle = upstream && ((position: number, deadline: number) => upstream.settle(position, feature.service, deadline));
      this.queries.set(projection.name, new ProjectionQueries(projection, store, liveTarget(projection), runner, feature.waitMs, settle));
      readiness?.add(`read-model:${feature.service}/${projection.name}`, () => runner.assertReady());
    }
  }

  /** The queries of one of this service's projections. */
  of<C extends string>(projection: Projection<never, C> | AnyProjection): ProjectionQueries<C> {
    const queries = this.queries.get(projection.name);
    if (!queries) throw new Error(`${projection.name} is not a read model of ${this.feature.service}`);
    return queries as ProjectionQueries<C>;
  }

  /** Waits until every projection of the service has reached `minPosition` (false after the timeout). */
  async waitFor(minPosition: number | undefined, timeoutMs?: number): Promise<boolean> {
    const results = await Promise.all([...this.queries.values()].map((q) => q.waitFor(minPosition, timeoutMs)));
    return results.every(Boolean);
  }

  runner(name: string): ProjectionRunner | undefined {
    return this.runners.get(name);
  }

  onApplicationBootstrap(): void {
    for (const runner of this.runners.values()) runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
  }
}

@Module({})
export class ReadModelsModule {
  /** Declares a service's projections: `ReadModelsModule.forFeature({ service, projections, storeToken })`. */
  static forFeature(feature: ReadModelsFeature): DynamicModule {
    registerProjections(feature.service, feature.projections, { schemas: feature.schemas });
    const source = feature.storeToken
      ? { provide: SOURCE, useExisting: feature.storeToken }
      : { provide: SOURCE, inject: [EventStoreConnections], useFactory: (c: EventStoreConnections): Promise<EventStore> => c.open(feature.service, feature.schemas ?? new EventSchemas()) };
    return {
      module: ReadModelsModule,
      imports: [ReadStoresModule, ...(feature.imports ?? [])],
      providers: [
        { provide: FEATURE, useValue: feature },
        source,
        { provide: STORE, inject: [ReadStores], useFactory: (stores: ReadStores) => stores.open(feature.service) },
        ReadModelQueries,
      ],
      exports: [ReadModelQueries],
    };
  }
}
