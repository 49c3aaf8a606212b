import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { REGISTER_CONFIG, RegisterConfig } from '@register/service-kit';
import { readModelDatabase } from '../database';
import { ReadStore } from '../read-store';
import { MemoryReadStore } from '../stores/memory-read-store';
import { MongoReadStore } from '../stores/mongo-read-store';

/** One read store per service and process: in memory in the embedded start, MongoDB when distributed. */
@Injectable()
export class ReadStores implements OnApplicationShutdown {
  private readonly stores = new Map<string, Promise<ReadStore>>();

  constructor(@Inject(REGISTER_CONFIG) private readonly config: RegisterConfig) {}

  open(service: string): Promise<ReadStore> {
    let store = this.stores.get(service);
    if (!store) {
      store = this.config.mode === 'embedded' ? Promise.resolve(new MemoryReadStore()) : MongoReadStore.connect(this.config.mongoUrl, readModelDatabase(this.config.mongoUrl, service));
      this.stores.set(service, store);
    }
    return store;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.stores.values()].map(async (s) => (await s).close()));
  }
}

@Module({ providers: [ReadStores], exports: [ReadStores] })
export class ReadStoresModule {}
