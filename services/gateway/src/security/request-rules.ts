import { HttpException, HttpStatus } from '@nestjs/common';
import { Principal } from '@register/auth';
import { ValidationFailed } from '@register/service-kit';

/** What GatewayAccess reads of a request: a Fastify request, whether Nest routed it or not. */
export interface GatewayRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
  query?: unknown;
  body?: unknown;
  routeOptions?: { url?: string };
  ip?: string;
  actor?: Principal;
  correlationId?: string;
}
export interface GatewayReply {
  header(name: string, value: string): unknown;
}

const POISON = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A command's body is a JSON object, sent as application/json. Keys that reach object prototypes
 * are refused at any depth: class-validator's whitelist does not see `constructor`. A command that
 * takes no required input (`bodyOptional`) may come with no body at all, or an empty JSON one: it
 * runs as with `{}`, since refusing it would ask the caller for a body that says nothing.
 */
export function refuseUnsafeBody(request: GatewayRequest, policy: { multipart?: true; bodyOptional?: true } = {}) {
  const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const body = request.body;
  if (policy.bodyOptional && body === undefined && (type === '' || type === 'application/json')) {
    request.body = {};
    return;
  }
  // An upload's parts are read by its handler, with that route's limits.
  if (policy.multipart) {
    if (type !== 'multipart/form-data') throw new HttpException(`send the file as multipart/form-data, not ${type || 'nothing'}`, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    return;
  }
  if (body === undefined && request.method === 'DELETE') return;
  if (type !== 'application/json') throw new HttpException(`send the command as application/json, not ${type || 'nothing'}`, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationFailed([{ field: '(body)', rule: 'object', message: 'the body must be a JSON object' }]);
  }
  const poisoned = findPoison(body, '', 0);
  if (poisoned) throw new ValidationFailed([{ field: poisoned, rule: 'unknown-field', message: `${poisoned} is not a field of this request` }]);
}

function findPoison(value: unknown, at: string, depth: number): string | undefined {
  if (value === null || typeof value !== 'object' || depth > 32) return undefined;
  for (const key of Object.keys(value)) {
    const path = at ? `${at}.${key}` : key;
    if (POISON.has(key)) return path;
    const found = findPoison((value as Record<string, unknown>)[key], path, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export class TooManyRequests extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many requests from this caller; retry after ${retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}
