import { Module } from '@nestjs/common';
import { SCOPE_RESOLVER } from '@register/auth';
import { HttpScopeResolver } from './http-scope-resolver';
import { ProxyController } from './proxy.controller';
import { ServiceClient } from './service-client';

/**
 * The distributed gateway's way to the services: HTTP inside the cluster (the simplest path that
 * keeps request/answer semantics: status codes, ETags, problem+json pass through unchanged), and
 * the tree for authorisation read from the organisation service at the moment of each write.
 * Import it after GatewayModule, whose routes (audit) take precedence over the catch-all.
 */
@Module({
  controllers: [ProxyController],
  providers: [ServiceClient, HttpScopeResolver, { provide: SCOPE_RESOLVER, useExisting: HttpScopeResolver }],
  exports: [SCOPE_RESOLVER],
})
export class GatewayProxyModule {}
