import { randomUUID } from 'node:crypto';
import { ForbiddenException, HttpException, HttpStatus, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { authorise, declaredRouteOf, MalformedTarget, matchRoute, policyOf, Principal, RateLimiter } from '@register/auth';
import { API_PREFIX, Clock, ValidationFailed } from '@register/service-kit';
import { AuthService } from './auth.service';
import { GatewayReply, GatewayRequest, refuseUnsafeBody, TooManyRequests } from './request-rules';
import { StructureScopeResolver } from './structure-scope';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;
// Metrics are not on the API's port at all (METRICS_PORT, service-kit's metrics.ts).
/** What anyone may call, without credentials: outside /api/v1, and no personal data. */
export const PUBLIC = new Set(['/health/live', '/health/ready']);
const PREFIX = `/${API_PREFIX}`;

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
    private readonly clock: Clock,
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

    const { path, params } = this.routeOf(request, route);
    // The route and method before the body: one no route policy names is refused whatever it carries.
    const policy = request.method === 'POST' ? policyOf('POST', path) : undefined;
    if (policy) refuseUnsafeBody(request, policy);
    let decision;
    try {
      decision = await authorise(principal, request.method, path, { params, body: request.body, query: request.query, today: this.clock.today() }, this.scopes);
    } catch (error) {
      if (error instanceof MalformedTarget) throw new ValidationFailed([{ field: error.field, rule: error.rule, message: error.message }]);
      throw error;
    }
    if (!decision.allowed) {
      if (decision.status === 405) {
        reply.header('allow', decision.allow.join(', '));
        throw new HttpException(decision.detail, HttpStatus.METHOD_NOT_ALLOWED);
      }
      throw new ForbiddenException(decision.detail);
    }
    if (principal.via === 'api-key' && decision.policy.action === 'member.read') {
      // Personal data read by another system: kept in the log for the data-protection officer.
      this.logger.log(JSON.stringify({ event: 'personal-data-read', key: principal.keyId, actor: principal.id, url: withoutSearchText(request.url) }));
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

  /**
   * The declared route below /api/v1 and its ids. Nest's routes name theirs; a forwarded request
   * (the distributed gateway's wildcard) and one no route took (a method Nest does not route, see
   * UnroutedRequests) are found in the route table: a path the table declares for other methods
   * only is a 405 in authorise, a path it does not declare at all is a 404.
   */
  private routeOf(request: GatewayRequest, route: string): { path: string; params: Record<string, string | undefined> } {
    const path = route.startsWith(PREFIX) ? route.slice(PREFIX.length) || '/' : route;
    if (request.routeOptions?.url !== undefined && !path.endsWith('*')) return { path, params: request.params ?? {} };
    const actual = request.url.split('?')[0].slice(PREFIX.length);
    const matched = matchRoute(request.method, actual);
    if (matched) return { path: matched.route, params: matched.params };
    const declared = declaredRouteOf(actual);
    if (declared) return { path: declared, params: {} };
    throw new NotFoundException(`no resource at ${actual}`);
  }
}

/**
 * The URL as the process log may keep it: a search text (`q`) is a name, which an erasure could
 * not reach in a log file, so it is written as "[redacted]"; ids and filters stay.
 */
export function withoutSearchText(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = new URLSearchParams(url.slice(at + 1));
  if (!query.has('q')) return url;
  query.set('q', '[redacted]');
  return `${url.slice(0, at)}?${query.toString()}`;
}
