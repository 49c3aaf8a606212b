import { CanActivate, ExecutionContext, Injectable, Module, UnauthorizedException } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ACTOR_HEADER, ACTOR_SIGNATURE_HEADER, actorFromHeaders, Principal, SignedActor } from '@register/auth';
import { RegisterRequest } from './command-context';
import { InternalLogController } from './internal-log';
import { InternalLogIntegrityController } from './internal-log-integrity';

const PUBLIC = /^\/(health\/|api\/docs|api\/openapi\.json)/;

/**
 * A service of the distributed register answers only the gateway: each request carries the
 * caller the gateway authenticated, signed with REGISTER_INTERNAL_SECRET (see @register/auth
 * internal-actor). That caller becomes the request's actor, recorded on every event. Without the
 * secret configured the service cannot tell the gateway from anyone, so it refuses to start.
 */
@Injectable()
export class InternalCallerGuard implements CanActivate {
  private readonly secret: string;
  /**
   * Headers already verified: the gateway sends one signed header per caller, so the HMAC and
   * the JSON of each caller are checked once. Keyed by payload and signature together; a valid
   * pair stays valid (same secret) until its expiry, anything else misses and is checked in full.
   */
  private readonly verified = new Map<string, SignedActor>();
  private static readonly VERIFIED_SIZE = 10_000;

  constructor() {
    const secret = process.env.REGISTER_INTERNAL_SECRET;
    if (!secret || secret.length < 16) throw new Error('REGISTER_INTERNAL_SECRET (16 characters or more, the same in the gateway and every service) is required in distributed mode');
    this.secret = secret;
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true; // bus consumers are not callers
    const request = context.switchToHttp().getRequest<RegisterRequest>();
    if (PUBLIC.test(request.url)) return true;
    const actor = this.actorOf(request.headers);
    if (!actor) throw new UnauthorizedException('this service answers the gateway only: call it through the gateway');
    request.actor = actor;
    return true;
  }

  private actorOf(headers: RegisterRequest['headers']): Principal | undefined {
    const payload = headers[ACTOR_HEADER];
    const signature = headers[ACTOR_SIGNATURE_HEADER];
    const key = typeof payload === 'string' && typeof signature === 'string' ? `${signature}.${payload}` : undefined;
    const now = Date.now();
    const hit = key === undefined ? undefined : this.verified.get(key);
    if (hit && hit.expiresAt > now) return hit.principal;
    if (hit) this.verified.delete(key!);
    const actor = actorFromHeaders(this.secret, headers, now);
    if (actor && key !== undefined) {
      if (this.verified.size >= InternalCallerGuard.VERIFIED_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(key, actor);
    }
    return actor?.principal;
  }
}

/** Behind the gateway: callers from its signed header only, and the service's log for the gateway's audit API. */
@Module({ controllers: [InternalLogController, InternalLogIntegrityController], providers: [{ provide: APP_GUARD, useClass: InternalCallerGuard }] })
export class InternalCallersModule {}
