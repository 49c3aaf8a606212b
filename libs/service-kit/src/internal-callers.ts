import { CanActivate, ExecutionContext, Injectable, Module, UnauthorizedException } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { actorFromHeaders } from '@register/auth';
import { RegisterRequest } from './command-context';

const PUBLIC = /^\/(health\/|metrics|api\/docs|api\/openapi\.json)/;

/**
 * A service of the distributed register answers only the gateway: each request carries the
 * caller the gateway authenticated, signed with REGISTER_INTERNAL_SECRET (see @register/auth
 * internal-actor). That caller becomes the request's actor, recorded on every event. Without the
 * secret configured the service cannot tell the gateway from anyone, so it refuses to start.
 */
@Injectable()
export class InternalCallerGuard implements CanActivate {
  private readonly secret: string;

  constructor() {
    const secret = process.env.REGISTER_INTERNAL_SECRET;
    if (!secret || secret.length < 16) throw new Error('REGISTER_INTERNAL_SECRET (16 characters or more, the same in the gateway and every service) is required in distributed mode');
    this.secret = secret;
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true; // bus consumers are not callers
    const request = context.switchToHttp().getRequest<RegisterRequest>();
    if (PUBLIC.test(request.url)) return true;
    const actor = actorFromHeaders(this.secret, request.headers);
    if (!actor) throw new UnauthorizedException('this service answers the gateway only: call it through the gateway');
    request.actor = actor;
    return true;
  }
}

@Module({ providers: [{ provide: APP_GUARD, useClass: InternalCallerGuard }] })
export class InternalCallersModule {}
