import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { ApiKeyStore, InvalidCredentials, localSigningSecret, Principal, TokenVerifier, tokenVerifierFromEnv } from '@register/auth';
import { REGISTER_CONFIG, RegisterConfig } from '@register/service-kit';

type Headers = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Who is calling: a bearer token (people, via the OIDC provider or the local key) or an API key (systems). */
@Injectable()
export class AuthService {
  /** The local HS256 secret, when no JWKS is configured or REGISTER_JWT_SECRET is set. */
  readonly localSecret?: string;
  readonly apiKeys: ApiKeyStore;
  private readonly verifier: TokenVerifier;

  constructor(@Inject(REGISTER_CONFIG) config: RegisterConfig) {
    const jwksUrl = process.env.REGISTER_JWKS_URL || undefined;
    this.localSecret = !jwksUrl || process.env.REGISTER_JWT_SECRET ? localSigningSecret(config.dataDir) : undefined;
    this.verifier = tokenVerifierFromEnv(this.localSecret);
    this.apiKeys = ApiKeyStore.inDataDir(config.dataDir);
  }

  /** The caller, or a 401 saying what was wrong. */
  async authenticate(headers: Headers): Promise<Principal> {
    const key = first(headers['x-api-key']);
    const authorization = first(headers.authorization);
    if (key !== undefined) {
      const principal = this.apiKeys.verify(key);
      if (!principal) throw new UnauthorizedException('the API key is unknown or revoked');
      return principal;
    }
    if (authorization === undefined) throw new UnauthorizedException('send a bearer token (Authorization: Bearer …) or an API key (X-Api-Key)');
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
    if (!m) throw new UnauthorizedException('the Authorization header must be "Bearer <token>"');
    try {
      return await this.verifier.verify(m[1]);
    } catch (error) {
      if (error instanceof InvalidCredentials) throw new UnauthorizedException(error.message);
      throw error;
    }
  }
}
