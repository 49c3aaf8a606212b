import { Readable } from 'node:stream';
import { BadGatewayException, GatewayTimeoutException, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Dispatcher } from 'undici';
import { ACTOR_HEADER_LIFETIME_MS, actorHeaders, Principal } from '@register/auth';
import { Readiness } from '@register/service-kit';
import { serviceUrls, ServiceName } from './service-routes';
import { collect, ServiceAnswer, UndiciReads, upstreamPool } from './undici-reads';

export type { ServiceAnswer } from './undici-reads';

/** How many reads may wait on one connection to a service (see ServiceClient.readsOf). */
const READ_PIPELINING = 4;
/** Reads that may take a while: minPosition waits for a read model, asOf and knownAt fold the log. */
const SLOW_READ = /[?&](minPosition|asOf|knownAt)=/;

/**
 * Connections per service for the pipelined reads (REGISTER_SERVICE_READ_CONNECTIONS, default 2):
 * at least the number of replicas reads should spread over, since each connection stays on one.
 */
export function readConnections(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.REGISTER_SERVICE_READ_CONNECTIONS ?? 2);
  return Number.isInteger(n) && n > 0 ? n : 2;
}

/**
 * How long a command or a slow read may wait for its service's answer (REGISTER_SERVICE_TIMEOUT_MS,
 * 25 s): less than the gateway's own request timeout, so that its caller gets a 504 problem rather
 * than a connection closed without a word (a service stopped in the middle, a probe found).
 */
export function serviceTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.REGISTER_SERVICE_TIMEOUT_MS ?? 25_000);
  return Number.isFinite(ms) && ms > 0 ? ms : 25_000;
}

const TIMED_OUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The gateway itself, when it reads a service to authorise a caller. */
const GATEWAY: Principal = { id: 'system:gateway', roles: ['auditor'], via: 'api-key' };

/**
 * HTTP to the services inside the cluster, with the caller the gateway
 * authenticated in a signed header (the services trust nothing else).
 */
@Injectable()
export class ServiceClient implements OnApplicationShutdown {
  /**
   * undici's pools of kept-alive connections to each service, for commands and slow reads
   * (node:http's client costs more CPU per call), and the pipelined reads, see readsOf.
   */
  private readonly pools = new Map<ServiceName, Dispatcher>();
  private readonly reads = new Map<ServiceName, UndiciReads>();
  private readonly urls = serviceUrls();
  private readonly readConnections = readConnections();
  private readonly timeoutMs = serviceTimeoutMs();
  private readonly secret: string;
  private readonly logger = new Logger('ServiceClient');
  /**
   * Signed actor headers per principal object: TokenVerifier hands out one object per cached
   * token, so a caller's header is serialised and signed once rather than per request, and again
   * once half its lifetime has passed. Principals are never changed once authenticated, so the
   * signature stays true to the object.
   */
  private readonly signed = new WeakMap<Principal, { headers: Record<string, string>; renewAt: number }>();

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

  /**
   * The service's answer, whatever its status; a 502 problem when it gave none (unreachable, closed
   * the connection, too slow), whose cause is logged here and not told the caller: it names the
   * cluster's addresses. `headers` is taken over: the actor's are added to it.
   */
  call(service: ServiceName, method: string, url: string, caller: Principal | undefined, headers: Record<string, string>, body?: string | Buffer): Promise<ServiceAnswer> {
    const all = Object.assign(headers, this.actorOf(caller ?? GATEWAY));
    const send = () => (method === 'GET' && !SLOW_READ.test(url) ? this.readsOf(service).get(url, all) : this.dispatch(service, { method: method as 'GET', path: url, headers: all, body }));
    return this.elsewhereIfRefused(service, send).catch((error: Error & { code?: string }) => {
      this.logger.error(`${service} did not answer ${method} ${url.split('?')[0]}: ${error.message}`);
      if (TIMED_OUT.has(error.code ?? '') && method !== 'GET') {
        throw new GatewayTimeoutException(`the ${service} service did not answer in time: the change may have been recorded; send it again with the same Idempotency-Key to get its answer`);
      }
      throw new BadGatewayException(`the ${service} service did not answer; try again`);
    });
  }

  /**
   * Sent again when an instance of the service refused the connection (stopped, restarting) and
   * the service has others (several URLs): nothing reached it, so even a command is safe to send
   * again, and the balanced pool, having seen the refusal, weighs that instance down.
   */
  private async elsewhereIfRefused(service: ServiceName, send: () => Promise<ServiceAnswer>): Promise<ServiceAnswer> {
    const others = this.urls[service].split(',').length - 1;
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        if ((error as { code?: string }).code !== 'ECONNREFUSED' || attempt >= others * 2) throw error;
      }
    }
  }

  /**
   * A read whose answer goes on to the caller as it arrives (a list as CSV, page after page): the
   * status and headers, and the body as a stream; a 502 problem when the service gave no answer.
   */
  async stream(service: ServiceName, url: string, caller: Principal, headers: Record<string, string>): Promise<{ status: number; headers: ServiceAnswer['headers']; body: Readable }> {
    try {
      const answer = await this.poolFor(service).request({ method: 'GET', path: url, headers: Object.assign(headers, this.actorOf(caller)) });
      return { status: answer.statusCode, headers: answer.headers as ServiceAnswer['headers'], body: answer.body };
    } catch (error) {
      this.logger.error(`${service} did not answer GET ${url.split('?')[0]}: ${(error as Error).message}`);
      throw new BadGatewayException(`the ${service} service did not answer; try again`);
    }
  }

  async onApplicationShutdown() {
    for (const reads of this.reads.values()) reads.close();
    await Promise.all([...this.pools.values()].map((p) => p.destroy()));
  }

  /** A JSON read as the gateway itself; undefined on 404. */
  async read<T>(service: ServiceName, url: string): Promise<T | undefined> {
    const answer = await this.call(service, 'GET', url, undefined, { accept: 'application/json' });
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw new Error(`${service} answered ${answer.status} to GET ${url}`);
    return JSON.parse(answer.body.toString('utf8')) as T;
  }

  /**
   * Reads go pipelined, a few to a connection, over a few connections only: on a small machine the
   * largest cost of a forwarded read is the write that wakes the service's sleeping process, and
   * reads that join a busy connection are read several to a wake-up (docs/architecture-notes.md
   * gives the figures). A read behind a slow one on its connection waits for it, so only reads that
   * answer at once go there: GETs without minPosition (which waits for a read model) or asOf and
   * knownAt (which fold the log).
   */
  private readsOf(service: ServiceName): UndiciReads {
    let reads = this.reads.get(service);
    if (!reads) this.reads.set(service, (reads = new UndiciReads(this.urls[service], this.readConnections, READ_PIPELINING)));
    return reads;
  }

  private dispatch(service: ServiceName, options: Dispatcher.DispatchOptions): Promise<ServiceAnswer> {
    return new Promise((resolve, reject) => this.poolFor(service).dispatch(options, collect(resolve, reject)));
  }

  /** Commands and slow reads: undici, a connection each, so that none queues behind another request. */
  private poolFor(service: ServiceName): Dispatcher {
    let pool = this.pools.get(service);
    if (!pool) this.pools.set(service, (pool = upstreamPool(this.urls[service], { connections: 128, pipelining: 1, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs })));
    return pool;
  }

  private actorOf(principal: Principal): Record<string, string> {
    const now = Date.now();
    let signed = this.signed.get(principal);
    if (!signed || signed.renewAt <= now) this.signed.set(principal, (signed = { headers: actorHeaders(this.secret, principal, now), renewAt: now + ACTOR_HEADER_LIFETIME_MS / 2 }));
    return signed.headers;
  }
}
