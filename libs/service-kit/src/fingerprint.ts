import { createHmac } from 'node:crypto';
import { canonicalJson } from '@register/event-sourcing';
import { CallHandler, DynamicModule, ExecutionContext, Inject, Injectable, Module, NestInterceptor } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { keptSecret } from '@register/auth';
import { RegisterConfig } from './config';
import { BoundCursorsInterceptor } from './bound-cursors';
import { SealedCursors } from './sealed-cursors';

/**
 * Fingerprints of requests sent with an Idempotency-Key are kept beside the command, so that the
 * same key with another body is refused. They are HMAC-SHA-256 with a secret of the register's: a
 * plain hash of the body would let whoever reads the log confirm a guess of what it held, erased
 * personal data included (issue 14, hole 7). Stored as `hmac-sha256:<hex>`; the plain SHA-256 ones
 * written before were dropped when the commands table was upgraded (libs/event-store/src/sql-schema.ts).
 */
export const FINGERPRINT_PREFIX = 'hmac-sha256:';

/**
 * The fingerprint key: REGISTER_FINGERPRINT_SECRET; else, distributed, REGISTER_INTERNAL_SECRET
 * (the same in every process, as fingerprints must be, and required there by the services and the
 * gateway anyway); else, the embedded start or a lone process of tests, one generated once under
 * DATA_DIR/auth, as the local signing key is.
 */
export function fingerprintSecret(config: Pick<RegisterConfig, 'mode' | 'dataDir'>, env: NodeJS.ProcessEnv = process.env): string {
  const given = env.REGISTER_FINGERPRINT_SECRET || (config.mode === 'distributed' ? env.REGISTER_INTERNAL_SECRET : undefined);
  if (given) {
    if (given.length < 16) throw new Error('REGISTER_FINGERPRINT_SECRET (or REGISTER_INTERNAL_SECRET) must be at least 16 characters');
    return given;
  }
  return keptSecret(config.dataDir, 'fingerprint-secret');
}

/** The keyed fingerprint of a request: method, path and body (its fields in any order: a retry's client may serialise them anew). */
export function requestFingerprint(secret: string, method: string, path: string, body: unknown): string {
  return FINGERPRINT_PREFIX + createHmac('sha256', secret).update(`${method} ${path} ${canonicalJson(body ?? null)}`).digest('hex');
}

/** The register's fingerprint key, for other keyed hashes of the services' own (personnel's namesake index). */
export const FINGERPRINT_SECRET = Symbol('FINGERPRINT_SECRET');

/** Leaves the register's fingerprint key on each request, where the @Command() parameter finds it. */
@Injectable()
class FingerprintSecretInterceptor implements NestInterceptor {
  constructor(@Inject(FINGERPRINT_SECRET) private readonly secret: string) {}

  intercept(context: ExecutionContext, next: CallHandler) {
    if (context.getType() === 'http') context.switchToHttp().getRequest<{ fingerprintSecret?: string }>().fingerprintSecret = this.secret;
    return next.handle();
  }
}

@Module({})
export class FingerprintModule {
  static forRoot(config: RegisterConfig): DynamicModule {
    return {
      module: FingerprintModule,
      global: true,
      exports: [FINGERPRINT_SECRET, SealedCursors],
      providers: [
        { provide: FINGERPRINT_SECRET, useFactory: () => fingerprintSecret(config) },
        // List cursors sealed under a key drawn from the same secret: the same in every process.
        { provide: SealedCursors, useFactory: (secret: string) => new SealedCursors(secret), inject: [FINGERPRINT_SECRET] },
        { provide: APP_INTERCEPTOR, useClass: FingerprintSecretInterceptor },
        { provide: APP_INTERCEPTOR, useClass: BoundCursorsInterceptor },
      ],
    };
  }
}
