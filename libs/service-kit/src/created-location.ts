import { CallHandler, ExecutionContext, Injectable, Module, NestInterceptor } from '@nestjs/common';
import { APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { policyOf } from '@register/auth';
import { map, type Observable } from 'rxjs';

const PREFIX = '/api/v1';

/**
 * The `Location` of what a POST to a collection (`/units`, `/members`…) created: `/api/v1/units/{id}`,
 * where the register reads it back there (`GET /units/:id` is a route). RFC 9110 §15.3.2: a 201 names
 * what it created; a probe found none on any creation. A command on an entity (`/members/{id}/transfers`),
 * or one whose answer has no such read (`/branch-mergers`), names none; a POST answered otherwise
 * (202, 200: its controller says so) sets its own.
 */
export function createdLocation(routePath: string | undefined, id: unknown): string | undefined {
  if (typeof routePath !== 'string' || typeof id !== 'string' || !routePath.startsWith(`${PREFIX}/`)) return undefined;
  const collection = routePath.slice(PREFIX.length);
  if (!/^\/[a-z-]+$/.test(collection) || !policyOf('GET', `${collection}/:id`)) return undefined;
  return `${PREFIX}${collection}/${encodeURIComponent(id)}`;
}

@Injectable()
class CreatedLocationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<{ method?: string; routeOptions?: { url?: string } }>();
    const created = request.method === 'POST' && this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) === undefined;
    if (!created) return next.handle();
    return next.handle().pipe(
      map((body: unknown) => {
        const location = createdLocation(request.routeOptions?.url, (body as { id?: unknown } | null)?.id);
        if (location) http.getResponse<{ header(name: string, value: string): unknown }>().header('location', location);
        return body;
      }),
    );
  }
}

/** Sets the Location of every creation's 201 (createdLocation). */
@Module({ providers: [{ provide: APP_INTERCEPTOR, useClass: CreatedLocationInterceptor }] })
export class CreatedLocationModule {}
