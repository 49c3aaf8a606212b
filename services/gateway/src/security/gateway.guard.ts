import { CanActivate, ExecutionContext, ForbiddenException, HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { authorise, MalformedTarget, Principal, RateLimiter } from '@register/auth';
import { API_PREFIX, ValidationFailed } from '@register/service-kit';
import { AuthService } from './auth.service';
import { StructureScopeResolver } from './structure-scope';

interface GatewayRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
  body?: unknown;
  routeOptions?: { url?: string };
  actor?: Principal;
}
interface GatewayReply {
  header(name: string, value: string): unknown;
}

const PUBLIC = new Set(['/health/live', '/health/ready', '/metrics']);
const PREFIX = `/${API_PREFIX}`;

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

    let principal: Principal;
    try {
      principal = await this.auth.authenticate(request.headers);
    } catch (error) {
      reply.header('www-authenticate', 'Bearer realm="union-register"');
      throw error;
    }
    const wait = this.limiter.take(principal.keyId ? `key:${principal.keyId}` : `sub:${principal.id}`);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new TooManyRequests(wait);
    }
    request.actor = principal;

    const path = route.startsWith(PREFIX) ? route.slice(PREFIX.length) || '/' : route;
    let decision;
    try {
      decision = await authorise(principal, request.method, path, { params: request.params ?? {}, body: request.body }, this.scopes);
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
