import { Injectable } from '@nestjs/common';
import { actorHeaders, Principal } from '@register/auth';
import { serviceUrls, ServiceName } from './service-routes';

export interface ServiceAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The gateway itself, when it reads a service to authorise a caller. */
const GATEWAY: Principal = { id: 'system:gateway', roles: ['auditor'], via: 'api-key' };

/**
 * HTTP to the services inside the cluster, with the caller the gateway
 * authenticated in a signed header (the services trust nothing else).
 */
@Injectable()
export class ServiceClient {
  private readonly urls = serviceUrls();
  private readonly secret: string;

  constructor() {
    const secret = process.env.REGISTER_INTERNAL_SECRET;
    if (!secret || secret.length < 16) throw new Error('REGISTER_INTERNAL_SECRET (16 characters or more, the same in the gateway and every service) is required in distributed mode');
    this.secret = secret;
  }

  async call(service: ServiceName, method: string, url: string, caller: Principal | undefined, headers: Record<string, string>, body?: string): Promise<ServiceAnswer> {
    // Node's fetch keeps connections to each service alive between calls.
    const res = await fetch(`${this.urls[service]}${url}`, { method, headers: { ...headers, ...actorHeaders(this.secret, caller ?? GATEWAY) }, body, redirect: 'manual' });
    return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: Buffer.from(await res.arrayBuffer()) };
  }

  /** A JSON read as the gateway itself; undefined on 404. */
  async read<T>(service: ServiceName, url: string): Promise<T | undefined> {
    const answer = await this.call(service, 'GET', url, undefined, { accept: 'application/json' });
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw new Error(`${service} answered ${answer.status} to GET ${url}`);
    return JSON.parse(answer.body.toString('utf8')) as T;
  }
}
