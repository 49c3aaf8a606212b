import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Principal } from '@register/auth';
import { LogIntegrityPort, logIntegrityIn, REGISTER_CONFIG, RegisterConfig } from '@register/service-kit';

/** Distributed: a service's log integrity through its internal endpoint, as the calling auditor. */
export const REMOTE_INTEGRITY = Symbol('REMOTE_INTEGRITY');
export type RemoteIntegrity = (service: string, caller: Principal) => LogIntegrityPort;

/** Every service that keeps a verifiable log. */
export const VERIFIABLE_SERVICES = ['organisation', 'personnel', 'training', 'evaluation'] as const;

/**
 * The logs' integrity as the audit API reads it: the port a service's module provides in this
 * process, or that service's internal endpoint when distributed (never its database).
 */
@Injectable()
export class LogIntegrities {
  constructor(
    private readonly modules: ModuleRef,
    @Inject(REGISTER_CONFIG) private readonly config: RegisterConfig,
  ) {}

  /** The services whose logs this gateway can verify, with their port, as `caller`. */
  all(caller: Principal): Array<[string, LogIntegrityPort]> {
    return VERIFIABLE_SERVICES.flatMap((service) => {
      const port = this.of(service, caller);
      return port ? [[service, port] as [string, LogIntegrityPort]] : [];
    });
  }

  of(service: string, caller: Principal): LogIntegrityPort | undefined {
    const here = logIntegrityIn(this.modules, service);
    if (here || this.config.mode !== 'distributed') return here;
    return this.remote()?.(service, caller);
  }

  private remote(): RemoteIntegrity | undefined {
    try {
      return this.modules.get<RemoteIntegrity>(REMOTE_INTEGRITY, { strict: false });
    } catch {
      return undefined;
    }
  }
}
