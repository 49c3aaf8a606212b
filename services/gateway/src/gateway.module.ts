import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimiter, rateLimitFromEnv } from '@register/auth';
import { ClockModule } from '@register/service-kit';
import { AuditController } from './audit/audit.controller';
import { AuditLogs } from './audit/audit-log';
import { LogIntegrities } from './audit/log-integrities';
import { LogIntegrityController } from './audit/log-integrity.controller';
import { SummaryReportModule } from './reports/summary/summary-report.module';
import { AuthService } from './security/auth.service';
import { GatewayAccess } from './security/gateway-access';
import { GatewayGuard } from './security/gateway.guard';
import { StructureScopeResolver } from './security/structure-scope';
import { UnroutedRequests } from './security/unrouted-requests';

/**
 * The REST gateway for people and systems: authentication, authorisation in the union's tree, audit and report queries.
 * One folder per capability below this one; this module gathers them, so that the service runs
 * alone (main.ts) or beside the others in the embedded start.
 */
@Module({
  imports: [ClockModule, SummaryReportModule],
  controllers: [AuditController, LogIntegrityController],
  providers: [
    AuthService,
    GatewayAccess,
    StructureScopeResolver,
    UnroutedRequests,
    AuditLogs,
    LogIntegrities,
    { provide: RateLimiter, useFactory: () => new RateLimiter(rateLimitFromEnv()) },
    { provide: APP_GUARD, useClass: GatewayGuard },
  ],
  exports: [AuthService, RateLimiter, GatewayAccess],
})
export class GatewayModule {}
