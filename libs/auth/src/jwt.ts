import { jose } from './jose-loader';
import { InvalidCredentials, principalFromClaims } from './claims';
import { Principal, Role } from './roles';
import { DEFAULT_MAX_TOKEN_LIFETIME, lifetimeProblem, maxTokenLifetime } from './token-lifetime';

export interface TokenVerifierOptions {
  /** HS256 secret (local signing: embedded start, tests, the mint-token command). */
  secret?: string;
  /** An OIDC provider's JWKS (production): issuer and audience are then required. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** The longest life (exp − iat) a token may have, in seconds; 24 h when absent. */
  maxLifetimeSeconds?: number;
}

/** The verifier as the environment configures it: REGISTER_JWKS_URL, REGISTER_JWT_ISSUER, REGISTER_JWT_AUDIENCE, REGISTER_TOKEN_MAX_LIFETIME. */
export function tokenVerifierFromEnv(secret: string | undefined, env: NodeJS.ProcessEnv = process.env): TokenVerifier {
  return new TokenVerifier({
    secret,
    jwksUrl: env.REGISTER_JWKS_URL || undefined,
    issuer: env.REGISTER_JWT_ISSUER || undefined,
    audience: env.REGISTER_JWT_AUDIENCE || undefined,
    maxLifetimeSeconds: maxTokenLifetime(env),
  });
}

export const LOCAL_ISSUER = 'union-register';

/** Verifies bearer tokens with jose: HS256 against the local secret, or against the provider's JWKS. */
export class TokenVerifier {
  private jwks?: ReturnType<Awaited<ReturnType<typeof jose>>['createRemoteJWKSet']>;
  private readonly key?: Uint8Array;

  constructor(private readonly options: TokenVerifierOptions) {
    if (!options.secret && !options.jwksUrl) throw new Error('configure REGISTER_JWT_SECRET (or DATA_DIR) or REGISTER_JWKS_URL');
    // A provider signs tokens for many applications: without both checks, any of them would do here.
    if (options.jwksUrl && (!options.issuer || !options.audience)) {
      throw new Error('REGISTER_JWKS_URL needs REGISTER_JWT_ISSUER and REGISTER_JWT_AUDIENCE: the provider\'s tokens for other applications would otherwise be accepted');
    }
    if (options.secret) this.key = new TextEncoder().encode(options.secret);
  }

  /** Tokens already verified, until they expire: a signature check per request is most of a read's auth cost. */
  private readonly cache = new Map<string, { principal: Principal; expiresAt: number }>();
  private static readonly CACHE_SIZE = 10_000;

  async verify(token: string): Promise<Principal> {
    const hit = this.cache.get(token);
    if (hit) {
      if (hit.expiresAt > Date.now()) return hit.principal;
      this.cache.delete(token);
    }
    const { principal, exp } = await this.verifyUncached(token);
    if (this.cache.size >= TokenVerifier.CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(token, { principal, expiresAt: exp * 1000 });
    return principal;
  }

  private async verifyUncached(token: string): Promise<{ principal: Principal; exp: number }> {
    if (token.length > 8192 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) throw new InvalidCredentials('the bearer token is not a JWT');
    const { jwtVerify, createRemoteJWKSet, decodeProtectedHeader } = await jose();
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new InvalidCredentials('the bearer token is not a JWT');
    }
    const claims = { requiredClaims: ['exp'], audience: this.options.audience };
    try {
      if (alg === 'HS256' && this.key) {
        const { payload } = await jwtVerify(token, this.key, { ...claims, algorithms: ['HS256'], issuer: this.options.issuer ?? LOCAL_ISSUER });
        return this.accepted(payload);
      }
      if (this.options.jwksUrl && alg !== 'HS256' && alg !== 'none') {
        this.jwks ??= createRemoteJWKSet(new URL(this.options.jwksUrl));
        return this.accepted((await jwtVerify(token, this.jwks, { ...claims, issuer: this.options.issuer })).payload);
      }
    } catch (error) {
      if (error instanceof InvalidCredentials) throw error;
      throw new InvalidCredentials(refusalOf(error as { code?: string; claim?: string; reason?: string }));
    }
    throw new InvalidCredentials('the bearer token is signed with an algorithm this register does not accept');
  }

  /** The caller of a token whose signature, issuer and audience jose checked: its times and claims are checked here. */
  private accepted(payload: Record<string, unknown> & { iat?: number; exp?: number; aud?: unknown }): { principal: Principal; exp: number } {
    const problem = lifetimeProblem(payload, this.options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME);
    if (problem) throw new InvalidCredentials(problem);
    // With no audience configured, a token that names one was meant for another application.
    if (!this.options.audience && payload.aud !== undefined) throw new InvalidCredentials('the token is meant for another audience');
    return { principal: principalFromClaims(payload), exp: payload.exp! };
  }
}

export interface MintOptions {
  sub: string;
  roles: Role[];
  scopeUnitId?: string;
  scopeBranchId?: string;
  allow?: string[];
  /** Seconds; 1 hour when absent. */
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
}

/** Signs a token with the local HS256 secret (embedded start, tests, the mint-token command); never one the register would refuse for its life. */
export async function mintToken(secret: string, options: MintOptions): Promise<string> {
  const ttl = options.ttlSeconds ?? 3600;
  if (ttl > maxTokenLifetime()) throw new Error(`a token may live at most ${maxTokenLifetime()} s (REGISTER_TOKEN_MAX_LIFETIME)`);
  const { SignJWT } = await jose();
  const claims: Record<string, unknown> = { roles: options.roles };
  if (options.scopeUnitId) claims.scope_unit = options.scopeUnitId;
  if (options.scopeBranchId) claims.scope_branch = options.scopeBranchId;
  if (options.allow) claims.allow = options.allow;
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuer(options.issuer ?? LOCAL_ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttl);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** jose's refusal in words, its code kept for a reader who searches for it. */
function refusalOf(error: { code?: string; claim?: string; reason?: string }): string {
  const code = error.code ?? 'invalid';
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return `the bearer token's signature does not verify with this register's key: it was signed with another key (a token minted with another DATA_DIR or secret?) (${code})`;
  if (code === 'ERR_JWT_EXPIRED') return `the bearer token has expired: mint a new one (${code})`;
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && error.claim && error.reason === 'missing') return `the bearer token has no "${error.claim}" claim, which the register requires (${code})`;
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && error.claim) return `the bearer token's "${error.claim}" claim is refused (${error.reason ?? 'check_failed'}) (${code})`;
  return `the bearer token was refused: ${code}`;
}
