import { randomUUID } from 'node:crypto';
import { CanActivate, ExecutionContext, ForbiddenException, HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { authorise, MalformedTarget, matchRoute, Principal, RateLimiter } from '@register/auth';
import { API_PREFIX, ValidationFailed } from '@register/service-kit';
import { AuthService } from './auth.service';
import { StructureScopeResolver } from './structure-scope';

interface GatewayRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
  query?: unknown;
  body?: unknown;
  routeOptions?: { url?: string };
  ip?: string;
  actor?: Principal;
  correlationId?: string;
}
interface GatewayReply {
  header(name: string, value: string): unknown;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const PUBLIC = new Set(['/health/live', '/health/ready', '/metrics']);
const PREFIX = `/${API_PREFIX}`;

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const POISON = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A command's body is a JSON object, sent as application/json. Keys that reach object prototypes
 * are refused at any depth: class-validator's whitelist does not see `constructor`.
 */
function refuseUnsafeBody(request: GatewayRequest) {
  const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const body = request.body;
  if (body === undefined && request.method === 'DELETE') return;
  if (type !== 'application/json') throw new HttpException(`send the command as application/json, not ${type || 'nothing'}`, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationFailed([{ field: '(body)', rule: 'object', message: 'the body must be a JSON object' }]);
  }
  const poisoned = findPoison(body, '', 0);
  if (poisoned) throw new ValidationFailed([{ field: poisoned, rule: 'unknown-field', message: `${poisoned} is not a field of this request` }]);
}

function findPoison(value: unknown, at: string, depth: number): string | undefined {
  if (value === null || typeof value !== 'object' || depth > 32) return undefined;
  for (const key of Object.keys(value)) {
    const path = at ? `${at}.${key}` : key;
    if (POISON.has(key)) return path;
    const found = findPoison((value as Record<string, unknown>)[key], path, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export class TooManyRequests extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many requests from this caller; retry after ${retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Every HTTP request: authenticate (401), limit the caller's rate (429), leave the actor on the
 * request for the command context, and authorise against the route table and the tree now (403).
 */
@Injectable()
export class GatewayGuard implements CanActivate {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly auth: AuthService,
    private readonly scopes: StructureScopeResolver,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // consumers on the bus are not callers
    const request = context.switchToHttp().getRequest<GatewayRequest>();
    const reply = context.switchToHttp().getResponse<GatewayReply>();
    const route = request.routeOptions?.url ?? request.url.split('?')[0];
    if (PUBLIC.has(route) || route.startsWith('/api/docs') || route === '/api/openapi.json') return true;

    // Correlation id in and out: the caller's when it is one, else a new one; commands record it.
    const given = request.headers['x-correlation-id'];
    request.correlationId = typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
    reply.header('x-correlation-id', request.correlationId);

    let principal: Principal;
    try {
      principal = await this.auth.authenticate(request.headers);
    } catch (error) {
      reply.header('www-authenticate', 'Bearer realm="union-register"');
      // Guessing credentials costs from the same bucket scheme, per address.
      const wait = this.limiter.take(`anonymous:${request.ip ?? 'unknown'}`);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new TooManyRequests(wait);
      }
      throw error;
    }
    const wait = this.limiter.take(principal.keyId ? `key:${principal.keyId}` : `sub:${principal.id}`);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new TooManyRequests(wait);
    }
    request.actor = principal;

    if (WRITES.has(request.method)) refuseUnsafeBody(request);

    let path = route.startsWith(PREFIX) ? route.slice(PREFIX.length) || '/' : route;
    let params = request.params ?? {};
    if (path.endsWith('*')) {
      // Forwarded to a service (distributed gateway): the route table names the route and its ids.
      const actual = request.url.split('?')[0].slice(PREFIX.length);
      const matched = matchRoute(request.method, actual);
      path = matched?.route ?? actual;
      params = matched?.params ?? {};
    }
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
    return true;
  }
}
