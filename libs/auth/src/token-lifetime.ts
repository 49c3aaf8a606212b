/** Seconds from a duration as people write it: 90, 90s, 30m, 8h, 7d. */
export function parseTtl(ttl: string, name = '--ttl'): number {
  const m = /^(\d+)([smhd]?)$/.exec(ttl.trim());
  if (!m) throw new Error(`${name} ${ttl}: write seconds or 30m, 8h, 7d`);
  return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
}

/** A token's longest life (exp − iat) unless REGISTER_TOKEN_MAX_LIFETIME says otherwise. */
export const DEFAULT_MAX_TOKEN_LIFETIME = 24 * 3600;

/** How far ahead of our clock a token's iat may be: the issuer's clock may run a little fast. */
export const IAT_SKEW_SECONDS = 60;

/** REGISTER_TOKEN_MAX_LIFETIME (e.g. 8h, 86400): the longest life a bearer token may have; 24 h when unset. */
export function maxTokenLifetime(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.REGISTER_TOKEN_MAX_LIFETIME;
  if (!given) return DEFAULT_MAX_TOKEN_LIFETIME;
  const seconds = parseTtl(given, 'REGISTER_TOKEN_MAX_LIFETIME');
  if (seconds <= 0) throw new Error('REGISTER_TOKEN_MAX_LIFETIME must be more than 0 seconds');
  return seconds;
}

/**
 * Why a verified token's times are refused, or undefined when they are acceptable: its life
 * (exp − iat, or what is left of it when there is no iat) is at most `maxLifetime`, and its iat
 * is not in the future beyond IAT_SKEW_SECONDS. jose's maxTokenAge measures a token's age
 * (now − iat), not its life, and its clockTolerance would also widen exp; hence this check.
 */
export function lifetimeProblem(payload: { iat?: number; exp?: number }, maxLifetime: number, now = Math.floor(Date.now() / 1000)): string | undefined {
  if (typeof payload.exp !== 'number') return 'the token has no expiry (exp)';
  if (payload.iat !== undefined && payload.iat > now + IAT_SKEW_SECONDS) return 'the token was issued in the future (iat)';
  if (payload.exp - (payload.iat ?? now) > maxLifetime) return `the token lives longer than ${maxLifetime} s (REGISTER_TOKEN_MAX_LIFETIME)`;
  return undefined;
}
