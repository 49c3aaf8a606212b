import { randomUUID } from 'node:crypto';
import { ForbiddenException, Injectable, Logger } from '@nestjs/common';
import { authorise, MalformedTarget, matchRoute, Principal, RateLimiter } from '@register/auth';
import { API_PREFIX, ValidationFailed } from '@register/service-kit';
import { AuthService } from './auth.service';
import { GatewayReply, GatewayRequest, refuseUnsafeBody, TooManyRequests } from './request-rules';
import { StructureScopeResolver } from './structure-scope';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;
// Metrics are not on the API's port at all (METRICS_PORT, service-kit's metrics.ts).
const PUBLIC = new Set(['/health/live', '/health/ready']);
const PREFIX = `/${API_PREFIX}`;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Who may do what, for every HTTP request: authenticate (401), limit the caller's rate (429),
 * leave the actor and correlation id on the request, and authorise against the route table and
 * the tree now (403). One function for both ways a request arrives: GatewayGuard runs it for
 * Nest's routes, the distributed gateway's forwarding route (proxy/forwarding-route.ts) runs it
 * outside Nest's pipeline. Throws the HttpException the caller gets as problem+json.
 */
@Injectable()
export class GatewayAccess {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly auth: AuthService,
    private readonly scopes: StructureScopeResolver,
    private readonly limiter: RateLimiter,
  ) {}

  async admit(request: GatewayRequest, reply: GatewayReply): Promise<void> {
    const route = request.routeOptions?.url ?? request.url.split('?')[0];
    if (PUBLIC.has(route) || route.startsWith('/api/docs') || route === '/api/openapi.json') return;

    // Correlation id in and out: the caller's when it is one, else a new one; commands record it.
    const given = request.headers['x-correlation-id'];
    request.correlationId = typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
    reply.header('x-correlation-id', request.correlationId);

    const principal = await this.authenticate(request, reply);
    this.limit(principal.keyId ? `key:${principal.keyId}` : `sub:${principal.id}`, reply);
    request.actor = principal;

    if (WRITES.has(request.method)) refuseUnsafeBody(request);
    const { path, params } = this.routeOf(request, route);
    let decision;
    try {
      decision = await authorise(principal, request.method, path, { params, body: request.body, query: request.query }, this.scopes);
    } catch (error) {
      if (error instanceof MalformedTarget) throw new ValidationFailed([{ field: error.field, rule: 'id', message: error.message }]);
      throw error;
    }
    if (!decision.allowed) throw new ForbiddenException(decision.detail);
    if (principal.via === 'api-key' && request.method === 'GET' && /^\/members/.test(path)) {
      // Personal data read by another system: kept in the log for the data-protection officer.
      this.logger.log(JSON.stringify({ event: 'personal-data-read', key: principal.keyId, actor: principal.id, url: request.url }));
    }
  }

  /** The caller; a 401 (or 429, for an address that keeps guessing) otherwise. */
  private async authenticate(request: GatewayRequest, reply: GatewayReply): Promise<Principal> {
    try {
      return await this.auth.authenticate(request.headers);
    } catch (error) {
      reply.header('www-authenticate', 'Bearer realm="union-register"');
      // Guessing credentials costs from the same bucket scheme, per address.
      this.limit(`anonymous:${request.ip ?? 'unknown'}`, reply);
      throw error;
    }
  }

  private limit(bucket: string, reply: GatewayReply) {
    const wait = this.limiter.take(bucket);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new TooManyRequests(wait);
    }
  }

  /** The declared route below /api/v1 and its ids; a forwarded request's (wildcard) from the route table. */
  private routeOf(request: GatewayRequest, route: string): { path: string; params: Record<string, string | undefined> } {
    const path = route.startsWith(PREFIX) ? route.slice(PREFIX.length) || '/' : route;
    if (!path.endsWith('*')) return { path, params: request.params ?? {} };
    const actual = request.url.split('?')[0].slice(PREFIX.length);
    const matched = matchRoute(request.method, actual);
    return { path: matched?.route ?? actual, params: matched?.params ?? {} };
  }
}
