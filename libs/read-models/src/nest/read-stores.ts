import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { REGISTER_CONFIG, RegisterConfig } from '@register/service-kit';
import { readModelDatabase } from '../database';
import { ReadStore } from '../read-store';
import { MemoryReadStore, MemoryReadStoreState } from '../stores/memory-read-store';
import { MongoReadStore } from '../stores/mongo-read-store';

/**
 * One read store per service and process: in memory in the embedded start, MongoDB when distributed.
 * In the embedded start it is the snapshot part `read-store` (service-kit's SnapshotPart, by shape):
 * every service's memory store, including those opened later (the gateway's reporting store).
 */
@Injectable()
export class ReadStores implements OnApplicationShutdown {
  private readonly stores = new Map<string, Promise<ReadStore>>();
  private readonly memory = new Map<string, MemoryReadStore>();
  readonly snapshotName = 'read-store';
  readonly snapshotVersion = 1;
  /** Fed by the projections of the service's own log: a distributed consumer group's snapshot leaves it out. */
  readonly ownLog = true;

  constructor(@Inject(REGISTER_CONFIG) private readonly config: RegisterConfig) {}

  open(service: string): Promise<ReadStore> {
    let store = this.stores.get(service);
    if (!store) {
      store = this.config.mode === 'embedded' ? Promise.resolve(this.memoryStore(service)) : MongoReadStore.connect(this.config.mongoUrl, readModelDatabase(this.config.mongoUrl, service));
      this.stores.set(service, store);
    }
    return store;
  }

  snapshotState(): Map<string, MemoryReadStoreState> {
    return new Map([...this.memory].map(([service, store]) => [service, store.snapshotState()]));
  }

  restoreState(state: unknown): void {
    for (const [service, saved] of state as Map<string, MemoryReadStoreState>) this.memoryStore(service).restoreState(saved);
  }

  private memoryStore(service: string): MemoryReadStore {
    let store = this.memory.get(service);
    if (!store) this.memory.set(service, (store = new MemoryReadStore()));
    return store;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.stores.values()].map(async (s) => (await s).close()));
  }
}

@Module({ providers: [ReadStores], exports: [ReadStores] })
export class ReadStoresModule {}
