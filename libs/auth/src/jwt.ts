import { jose } from './jose-loader';
import { InvalidCredentials, principalFromClaims } from './claims';
import { Principal, Role } from './roles';

export interface TokenVerifierOptions {
  /** HS256 secret (local signing: embedded start, tests, the mint-token command). */
  secret?: string;
  /** An OIDC provider's JWKS (production). */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

export const LOCAL_ISSUER = 'union-register';

/** Verifies bearer tokens with jose: HS256 against the local secret, or against the provider's JWKS. */
export class TokenVerifier {
  private jwks?: ReturnType<Awaited<ReturnType<typeof jose>>['createRemoteJWKSet']>;
  private readonly key?: Uint8Array;

  constructor(private readonly options: TokenVerifierOptions) {
    if (!options.secret && !options.jwksUrl) throw new Error('configure REGISTER_JWT_SECRET (or DATA_DIR) or REGISTER_JWKS_URL');
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
    if (exp !== undefined) {
      if (this.cache.size >= TokenVerifier.CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(token, { principal, expiresAt: exp * 1000 });
    }
    return principal;
  }

  private async verifyUncached(token: string): Promise<{ principal: Principal; exp?: number }> {
    if (token.length > 8192 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) throw new InvalidCredentials('the bearer token is not a JWT');
    const { jwtVerify, createRemoteJWKSet, decodeProtectedHeader } = await jose();
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new InvalidCredentials('the bearer token is not a JWT');
    }
    try {
      if (alg === 'HS256' && this.key) {
        const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: this.options.issuer ?? LOCAL_ISSUER, audience: this.options.audience });
        return { principal: principalFromClaims(payload as Record<string, unknown>), exp: payload.exp };
      }
      if (this.options.jwksUrl && alg !== 'HS256' && alg !== 'none') {
        this.jwks ??= createRemoteJWKSet(new URL(this.options.jwksUrl));
        const { payload } = await jwtVerify(token, this.jwks, { issuer: this.options.issuer, audience: this.options.audience });
        return { principal: principalFromClaims(payload as Record<string, unknown>), exp: payload.exp };
      }
    } catch (error) {
      if (error instanceof InvalidCredentials) throw error;
      throw new InvalidCredentials(`the bearer token was refused: ${(error as { code?: string }).code ?? 'invalid'}`);
    }
    throw new InvalidCredentials('the bearer token is signed with an algorithm this register does not accept');
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

/** Signs a token with the local HS256 secret (embedded start, tests, the mint-token command). */
export async function mintToken(secret: string, options: MintOptions): Promise<string> {
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
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? 3600));
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
