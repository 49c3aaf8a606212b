import { All, Controller, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Principal } from '@register/auth';
import { API_PREFIX } from '@register/service-kit';
import { ServiceClient } from './service-client';
import { owningService } from './service-routes';

interface ProxiedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  actor?: Principal;
  correlationId?: string;
}
interface ProxiedReply {
  status(code: number): ProxiedReply;
  header(name: string, value: string | string[]): ProxiedReply;
  send(body: Buffer): unknown;
}

/** What a caller's request carries on to the service, and what the service's answer carries back. */
const FORWARDED = ['content-type', 'accept', 'idempotency-key', 'if-match'];
const RETURNED = ['content-type', 'etag', 'location', 'retry-after'];
const PREFIX = `/${API_PREFIX}`;

/**
 * The distributed gateway: after GatewayGuard has authenticated, limited and authorised the
 * caller, a request for a service's resource goes on to that service over HTTP, with the caller
 * signed into a header. The services validate and decide; their answers come back as they are.
 */
@ApiExcludeController()
@Controller()
export class ProxyController {
  constructor(private readonly services: ServiceClient) {}

  @All('*')
  async forward(@Req() request: ProxiedRequest, @Res() reply: ProxiedReply) {
    const path = request.url.split('?')[0].slice(PREFIX.length);
    const service = owningService(path);
    if (!service) throw new NotFoundException(`no resource at ${path}`);
    const headers: Record<string, string> = { 'x-correlation-id': request.correlationId ?? '' };
    for (const name of FORWARDED) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const body = request.body === undefined || request.method === 'GET' ? undefined : JSON.stringify(request.body);
    const answer = await this.services.call(service, request.method, request.url, request.actor, headers, body);
    reply.status(answer.status);
    for (const name of RETURNED) {
      const value = answer.headers[name];
      if (value !== undefined) reply.header(name, value);
    }
    return reply.send(answer.body);
  }
}
