import { ServiceChild } from '../support/service-child';

export { freePort } from '../support/free-port';

/** A service's own process, on Kafka; `kill` is a SIGKILL (no shutdown hook). */
export class ServiceProcess extends ServiceChild {
  kill() {
    return this.stop('SIGKILL');
  }
}
