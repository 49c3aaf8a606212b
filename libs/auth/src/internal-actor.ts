import { createHmac, timingSafeEqual } from 'node:crypto';
import { Principal } from './roles';

/**
 * How the gateway tells a service, inside the cluster, who is calling: the authenticated principal
 * and an expiry in one header, signed with a secret only the register's processes hold. A service
 * trusts the header only when the signature holds and the expiry has not passed; anything else is
 * a caller from outside the gateway. The expiry makes a header copied from a log or a packet
 * capture worthless within minutes, instead of a pass to the service forever.
 */
export const ACTOR_HEADER = 'x-register-actor';
export const ACTOR_SIGNATURE_HEADER = 'x-register-actor-signature';

const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');

/** How long a signed header holds: room for clocks that differ a little between the register's machines. */
export const ACTOR_HEADER_LIFETIME_MS = 5 * 60_000;

/** A verified caller, and when the header that named them stops holding (ms since the epoch). */
export interface SignedActor {
  principal: Principal;
  expiresAt: number;
}

export function actorHeaders(secret: string, principal: Principal, now = Date.now()): Record<string, string> {
  const payload = Buffer.from(JSON.stringify({ principal, exp: now + ACTOR_HEADER_LIFETIME_MS }), 'utf8').toString('base64url');
  return { [ACTOR_HEADER]: payload, [ACTOR_SIGNATURE_HEADER]: sign(secret, payload) };
}

/** The principal the gateway signed, or undefined when the header is absent, forged, expired or malformed. */
export function actorFromHeaders(secret: string, headers: Record<string, string | string[] | undefined>, now = Date.now()): SignedActor | undefined {
  const payload = headers[ACTOR_HEADER];
  const signature = headers[ACTOR_SIGNATURE_HEADER];
  if (typeof payload !== 'string' || typeof signature !== 'string') return undefined;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const { principal, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { principal?: Principal; exp?: unknown };
    if (typeof exp !== 'number' || exp <= now) return undefined;
    return typeof principal?.id === 'string' && Array.isArray(principal.roles) ? { principal, expiresAt: exp } : undefined;
  } catch {
    return undefined;
  }
}
