import { Module } from '@nestjs/common';
import { SCOPE_RESOLVER } from '@register/auth';
import { OpenApiCompletion } from '@register/service-kit';
import { REMOTE_LOGS, RemoteLogs } from '../audit/audit-log';
import { GatewayModule } from '../gateway.module';
import { ForwardingRoute } from './forwarding-route';
import { PublishedThrough } from './published-through';
import { HttpAuditableLog } from './http-auditable-log';
import { HttpLogIntegrity } from './http-log-integrity';
import { REMOTE_INTEGRITY, RemoteIntegrity } from '../audit/log-integrities';
import { HttpScopeResolver } from './http-scope-resolver';
import { ServiceDocuments } from './service-documents';
import { ServiceClient } from './service-client';
import { ServiceName } from './service-routes';

/**
 * The distributed gateway's way to the services: HTTP inside the cluster (the simplest path that
 * keeps request/answer semantics: status codes, ETags, problem+json pass through unchanged), and
 * the tree for authorisation read from the organisation service at the moment of each write, and
 * each service's log for the audit API read through that service's internal endpoint; the
 * OpenAPI document it serves holds the services' routes too (ServiceDocuments).
 * ForwardingRoute puts a catch-all Fastify route under /api/v1 that GatewayModule's own routes
 * (audit) take precedence over; it imports GatewayModule for the access checks they share.
 */
@Module({
  imports: [GatewayModule],
  providers: [
    ServiceClient,
    HttpScopeResolver,
    ForwardingRoute,
    PublishedThrough,
    { provide: SCOPE_RESOLVER, useExisting: HttpScopeResolver },
    // The whole API in /api/openapi.json and the UI: the gateway's routes and the services' (serveOpenApi asks for it).
    { provide: OpenApiCompletion, useClass: ServiceDocuments },
    { provide: REMOTE_LOGS, inject: [ServiceClient], useFactory: (client: ServiceClient): RemoteLogs => (service) => new HttpAuditableLog(client, service as ServiceName) },
    { provide: REMOTE_INTEGRITY, inject: [ServiceClient], useFactory: (client: ServiceClient): RemoteIntegrity => (service, caller) => new HttpLogIntegrity(client, service as ServiceName, caller) },
  ],
  exports: [SCOPE_RESOLVER, REMOTE_LOGS, REMOTE_INTEGRITY],
})
export class GatewayProxyModule {}
