import { createHmac, timingSafeEqual } from 'node:crypto';
import { Principal } from './roles';

/**
 * How the gateway tells a service, inside the cluster, who is calling: the authenticated principal
 * in one header, signed with a secret only the register's processes hold. A service trusts the
 * header only when the signature holds; anything else is a caller from outside the gateway.
 */
export const ACTOR_HEADER = 'x-register-actor';
export const ACTOR_SIGNATURE_HEADER = 'x-register-actor-signature';

const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');

export function actorHeaders(secret: string, principal: Principal): Record<string, string> {
  const payload = Buffer.from(JSON.stringify(principal), 'utf8').toString('base64url');
  return { [ACTOR_HEADER]: payload, [ACTOR_SIGNATURE_HEADER]: sign(secret, payload) };
}

/** The principal the gateway signed, or undefined when the header is absent, forged or malformed. */
export function actorFromHeaders(secret: string, headers: Record<string, string | string[] | undefined>): Principal | undefined {
  const payload = headers[ACTOR_HEADER];
  const signature = headers[ACTOR_SIGNATURE_HEADER];
  if (typeof payload !== 'string' || typeof signature !== 'string') return undefined;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const principal = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Principal;
    return typeof principal?.id === 'string' && Array.isArray(principal.roles) ? principal : undefined;
  } catch {
    return undefined;
  }
}
