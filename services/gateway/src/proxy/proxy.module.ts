import { Module } from '@nestjs/common';
import { SCOPE_RESOLVER } from '@register/auth';
import { GatewayModule } from '../gateway.module';
import { ForwardingRoute } from './forwarding-route';
import { HttpScopeResolver } from './http-scope-resolver';
import { ServiceClient } from './service-client';

/**
 * The distributed gateway's way to the services: HTTP inside the cluster (the simplest path that
 * keeps request/answer semantics: status codes, ETags, problem+json pass through unchanged), and
 * the tree for authorisation read from the organisation service at the moment of each write.
 * ForwardingRoute puts a catch-all Fastify route under /api/v1 that GatewayModule's own routes
 * (audit) take precedence over; it imports GatewayModule for the access checks they share.
 */
@Module({
  imports: [GatewayModule],
  providers: [ServiceClient, HttpScopeResolver, ForwardingRoute, { provide: SCOPE_RESOLVER, useExisting: HttpScopeResolver }],
  exports: [SCOPE_RESOLVER],
})
export class GatewayProxyModule {}
