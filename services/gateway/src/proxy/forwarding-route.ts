import { Injectable, Logger, NotFoundException, OnModuleInit, PayloadTooLargeException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX, sendProblem, wantsCsv } from '@register/service-kit';
import { GatewayAccess } from '../security/gateway-access';
import { GatewayRequest } from '../security/request-rules';
import { ServiceClient } from './service-client';
import { owningService, ServiceName } from './service-routes';
import { plainMinPosition, PublishedThrough } from './published-through';

/**
 * What a caller's request carries on to the service, and what the service's answer carries back.
 * X-Purpose goes on as the bytes it came in (personnel reads it as UTF-8, personal-data/purpose.ts).
 */
const FORWARDED = ['content-type', 'accept', 'idempotency-key', 'if-match', 'x-purpose'];
const RETURNED = ['content-type', 'etag', 'location', 'retry-after'];
const PREFIX = `/${API_PREFIX}`;
/** How long a read with minPosition waits for the other services' relays, of the services' own wait (3 s). */
const PUBLISHED_WAIT_MS = 1_000;

/**
 * The distributed gateway's catch-all: a request for a service's resource goes on to that service
 * over HTTP, with the caller signed into a header; the services validate and decide, and their
 * answers come back as they are.
 *
 * A plain Fastify route rather than a Nest controller: a forwarded request needs nothing of
 * Nest's pipeline (no pipes, no DTOs, no interceptors), whose per-request cost was most of the
 * gateway's CPU on a read. It runs the same GatewayAccess as GatewayGuard, so authentication,
 * rate limits, authorisation and correlation ids are the same code, and answers errors through
 * the same problem+json as ProblemDetailsFilter. Fastify routes static paths before wildcards,
 * so GatewayModule's audit routes still take precedence; body-parser errors reach Nest's error
 * handler as before.
 */
@Injectable()
export class ForwardingRoute implements OnModuleInit {
  private readonly logger = new Logger('Problem');

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly access: GatewayAccess,
    private readonly services: ServiceClient,
    private readonly published: PublishedThrough,
  ) {}

  onModuleInit() {
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    fastify.all(`${PREFIX}/*`, (request, reply) => this.handle(request, reply));
  }

  private async handle(request: FastifyRequest, reply: FastifyReply) {
    try {
      await this.access.admit(request as GatewayRequest, reply);
      return await this.forward(request as GatewayRequest, reply);
    } catch (error) {
      return sendProblem(reply, error, this.logger);
    }
  }

  private async forward(request: GatewayRequest, reply: FastifyReply) {
    const path = request.url.split('?')[0].slice(PREFIX.length);
    const service = owningService(path);
    if (!service) throw new NotFoundException(`no resource at ${path}`);
    const headers: Record<string, string> = { 'x-correlation-id': request.correlationId ?? '' };
    for (const name of FORWARDED) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const minPosition = request.method === 'GET' ? plainMinPosition(request.url) : undefined;
    if (minPosition !== undefined) await this.published.wait(minPosition, service, Date.now() + PUBLISHED_WAIT_MS);
    if (request.method === 'GET' && wantsCsv(request.headers.accept)) return this.stream(service, request, reply, headers);
    const answer = await this.services.call(service, request.method, request.url, request.actor, headers, await bodyOf(request));
    reply.status(answer.status);
    for (const name of RETURNED) {
      const value = answer.headers[name];
      if (value !== undefined) reply.header(name, value);
    }
    return reply.send(answer.body);
  }

  /** A list as CSV goes on as the service streams it, page after page: the gateway holds no more than a chunk. */
  private async stream(service: ServiceName, request: GatewayRequest, reply: FastifyReply, headers: Record<string, string>) {
    const answer = await this.services.stream(service, request.url, request.actor!, headers);
    reply.status(answer.status);
    for (const name of [...RETURNED, 'next-cursor']) {
      const value = answer.headers[name];
      if (value !== undefined) reply.header(name, value);
    }
    return reply.send(answer.body);
  }
}

/** The largest upload the gateway passes on (the import's 5 MB file, and its form around it). */
const MAX_UPLOAD_BYTES = 5 * 1024 * 1024 + 64 * 1024;

/**
 * What goes on to the service: the JSON body as parsed and checked; an upload (multipart, which
 * no parser here has read) as the bytes it came in, up to MAX_UPLOAD_BYTES (413 beyond).
 */
async function bodyOf(request: GatewayRequest): Promise<string | Buffer | undefined> {
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  const raw = (request as unknown as FastifyRequest).raw;
  if (request.body === undefined && String(request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of raw) {
      size += (chunk as Buffer).length;
      if (size > MAX_UPLOAD_BYTES) throw new PayloadTooLargeException(`an upload takes at most ${MAX_UPLOAD_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }
  return request.body === undefined ? undefined : JSON.stringify(request.body);
}
