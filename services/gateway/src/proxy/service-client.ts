import { Agent, request } from 'node:http';
import { Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { actorHeaders, Principal } from '@register/auth';
import { Readiness } from '@register/service-kit';
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
export class ServiceClient implements OnApplicationShutdown {
  /** Kept-alive connections to each service: a new TCP connection per call would double the cost. */
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 128 });
  private readonly urls = serviceUrls();
  private readonly secret: string;

  constructor(@Optional() readiness?: Readiness) {
    for (const service of Object.keys(this.urls) as ServiceName[]) {
      readiness?.add(`service:${service}`, async () => {
        const answer = await this.call(service, 'GET', '/health/live', undefined, {});
        if (answer.status !== 200) throw new Error(`health/live answered ${answer.status}`);
      });
    }
    const secret = process.env.REGISTER_INTERNAL_SECRET;
    if (!secret || secret.length < 16) throw new Error('REGISTER_INTERNAL_SECRET (16 characters or more, the same in the gateway and every service) is required in distributed mode');
    this.secret = secret;
  }

  async call(service: ServiceName, method: string, url: string, caller: Principal | undefined, headers: Record<string, string>, body?: string): Promise<ServiceAnswer> {
    const target = new URL(url, this.urls[service]);
    const all: Record<string, string> = { ...headers, ...actorHeaders(this.secret, caller ?? GATEWAY) };
    if (body !== undefined) all['content-length'] = String(Buffer.byteLength(body));
    return new Promise((resolve, reject) => {
      const req = request({ host: target.hostname, port: target.port, method, path: target.pathname + target.search, headers: all, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  onApplicationShutdown() {
    this.agent.destroy();
  }

  /** A JSON read as the gateway itself; undefined on 404. */
  async read<T>(service: ServiceName, url: string): Promise<T | undefined> {
    const answer = await this.call(service, 'GET', url, undefined, { accept: 'application/json' });
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw new Error(`${service} answered ${answer.status} to GET ${url}`);
    return JSON.parse(answer.body.toString('utf8')) as T;
  }
}
