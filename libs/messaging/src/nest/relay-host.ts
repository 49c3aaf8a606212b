import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LogRelay } from '../log-relay';
import { EventPublisher } from '../ports';

/**
 * A LogRelay as a Nest provider: starts with the application, stops (and closes its publisher)
 * with it. Run exactly one per service log; two would only publish duplicates, never lose events.
 */
export class RelayHost implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    readonly relay: LogRelay,
    private readonly publisher: EventPublisher,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.publisher.close();
  }
}
