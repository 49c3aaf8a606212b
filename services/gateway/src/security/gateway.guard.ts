import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { GatewayAccess } from './gateway-access';
import { GatewayReply, GatewayRequest } from './request-rules';

/**
 * Every HTTP request Nest routes passes GatewayAccess (authentication, rate limit, authorisation);
 * the guard only adapts Nest's execution context to it.
 */
@Injectable()
export class GatewayGuard implements CanActivate {
  constructor(private readonly access: GatewayAccess) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // consumers on the bus are not callers
    const http = context.switchToHttp();
    await this.access.admit(http.getRequest<GatewayRequest>(), http.getResponse<GatewayReply>());
    return true;
  }
}
