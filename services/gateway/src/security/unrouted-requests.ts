import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { API_PREFIX, sendProblem } from '@register/service-kit';
import { GatewayAccess } from './gateway-access';
import { GatewayReply, GatewayRequest } from './request-rules';

const PREFIX = `/${API_PREFIX}/`;

/**
 * A request under /api/v1 that no route took (OPTIONS, PUT, PATCH, DELETE, TRACE, PROPFIND… on a
 * path the API declares for GET or POST only, or a method Fastify does not route at all) passes
 * GatewayAccess like any other: 401 without credentials, then 405 with an Allow header for a
 * declared path, 404 for one the API does not have. Without this, Nest's not-found handler would
 * answer it with a 404 before anyone asked who was calling. Routed requests go through
 * GatewayGuard (Nest's routes) or ForwardingRoute (the distributed gateway's wildcard).
 */
@Injectable()
export class UnroutedRequests implements OnModuleInit {
  private readonly logger = new Logger('Problem');

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly access: GatewayAccess,
  ) {}

  onModuleInit() {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    if (typeof fastify?.addHook !== 'function') return; // not an HTTP app on Fastify
    fastify.addHook('onRequest', async (request, reply) => {
      if (!request.is404 || !request.url.startsWith(PREFIX)) return;
      try {
        await this.access.admit(request as GatewayRequest, reply as GatewayReply);
      } catch (error) {
        return sendProblem(reply, error, this.logger);
      }
      return undefined; // allowed, yet nothing here serves it: Nest's 404
    });
  }
}
