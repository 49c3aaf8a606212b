import { randomUUID } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { CommandContext } from '@register/event-sourcing';
import { requestFingerprint } from './fingerprint';
import { ValidationFailed } from './problem-details';

/** The authenticated caller, as the gateway's guard leaves it on the request. */
export interface Actor {
  id: string;
  roles: string[];
  /** The unit whose subtree the caller acts in, when the role is scoped. */
  scopeUnitId?: string;
}

export interface RegisterRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  actor?: Actor;
  correlationId?: string;
  /** The register's key for request fingerprints, left here by FingerprintModule. */
  fingerprintSecret?: string;
}

const header = (req: RegisterRequest, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * An ETag or If-Match value: "12" or W/"12" (a proxy that compresses weakens the register's strong
 * ETags). "-1" is the ETag of what has no stream yet (a branch nobody was appointed to): sent back,
 * it asks that the stream still not exist. `*` (RFC 9110: any current representation) asks for no
 * revision: the command's own rules already refuse an entity that does not exist.
 */
export function parseRevisionTag(tag: string | undefined): number | undefined {
  if (tag === undefined || tag.trim() === '*') return undefined;
  const m = /^(?:W\/)?"?(-1|\d{1,15})"?$/.exec(tag.trim());
  if (!m) throw new ValidationFailed([{ field: 'If-Match', rule: 'revision-tag', message: 'If-Match must be an ETag this API returned, like "3"' }]);
  return Number(m[1]);
}

/**
 * Who, why and how, for a command: the actor from authentication, reason and decision from the
 * body, Idempotency-Key as the command id with the actor as its caller (kept apart: no key of one
 * caller can spell another's), If-Match as the expected revision.
 */
export function commandContextOf(req: RegisterRequest): CommandContext {
  const body = (req.body ?? {}) as { reason?: string; decisionRef?: CommandContext['decision']; effectiveDate?: string };
  const actor = req.actor?.id ?? 'anonymous';
  const key = header(req, 'idempotency-key');
  if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new ValidationFailed([{ field: 'Idempotency-Key', rule: 'idempotency-key', message: 'Idempotency-Key must be 1 to 200 visible ASCII characters' }]);
  }
  return {
    actor,
    reason: body.reason ?? '',
    decision: body.decisionRef,
    effectiveDate: body.effectiveDate,
    correlationId: req.correlationId ?? header(req, 'x-correlation-id') ?? randomUUID(),
    ...(key ? { commandId: key, caller: actor, fingerprint: fingerprintOf(req) } : {}),
    expectedRevision: parseRevisionTag(header(req, 'if-match')),
  };
}

function fingerprintOf(req: RegisterRequest): string {
  if (!req.fingerprintSecret) throw new Error('no fingerprint key on the request: import FingerprintModule (rootModuleOf does)');
  return requestFingerprint(req.fingerprintSecret, req.method, req.url.split('?')[0], req.body);
}

/** Controller parameter: the CommandContext of this request. */
export const Command = createParamDecorator((_: unknown, ctx: ExecutionContext) => commandContextOf(ctx.switchToHttp().getRequest<RegisterRequest>()));
