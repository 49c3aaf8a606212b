import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { allowClaim, rolesClaim, scopeClaim } from './claims';
import { authDir } from './keys';
import { Principal, Role } from './roles';

/** One API key as stored: never the key itself, only a salted SHA-256 of its secret part. */
export interface StoredApiKey {
  id: string;
  name: string;
  roles: Role[];
  scopeUnitId?: string;
  /** Write actions the key may perform ('*' for all that its roles allow); reads need none. */
  allow: string[];
  salt: string;
  hash: string;
  createdAt: string;
  revokedAt?: string;
}

export interface NewApiKey {
  name: string;
  roles?: Role[];
  scopeUnitId?: string;
  allow?: string[];
}

const KEY_FORMAT = /^urk_([A-Za-z0-9-]{36})\.([A-Za-z0-9_-]{43})$/;
const hashOf = (salt: string, secret: string) => createHash('sha256').update(salt).update(':').update(secret).digest();

/**
 * API keys for other systems (header X-Api-Key): `urk_<id>.<secret>`. Kept in memory, and in a
 * JSON file under DATA_DIR/auth when a file is given. Revocation takes effect at once.
 */
export class ApiKeyStore {
  private readonly keys = new Map<string, StoredApiKey>();

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      for (const key of JSON.parse(readFileSync(file, 'utf8')) as StoredApiKey[]) this.keys.set(key.id, key);
    }
  }

  static inDataDir(dataDir: string) {
    return new ApiKeyStore(join(authDir(dataDir), 'api-keys.json'));
  }

  /** Issues a key; the answer is the only time the key is shown. */
  create(request: NewApiKey): { id: string; key: string } {
    scopeClaim(request.scopeUnitId, 'scope');
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const salt = randomBytes(16).toString('hex');
    this.keys.set(id, {
      id,
      name: request.name,
      roles: request.roles ?? ['system-integrator'],
      scopeUnitId: request.scopeUnitId,
      allow: request.allow ?? [],
      salt,
      hash: hashOf(salt, secret).toString('hex'),
      createdAt: new Date().toISOString(),
    });
    this.save();
    return { id, key: `urk_${id}.${secret}` };
  }

  revoke(id: string): boolean {
    const key = this.keys.get(id);
    if (!key || key.revokedAt) return false;
    key.revokedAt = new Date().toISOString();
    this.save();
    return true;
  }

  list(): Omit<StoredApiKey, 'salt' | 'hash'>[] {
    return [...this.keys.values()].map(({ salt: _s, hash: _h, ...rest }) => rest);
  }

  /** The caller a presented key stands for; undefined when unknown, wrong or revoked. */
  verify(presented: string): Principal | undefined {
    const m = KEY_FORMAT.exec(presented);
    if (!m) return undefined;
    const key = this.keys.get(m[1]);
    if (!key || key.revokedAt) return undefined;
    const expected = Buffer.from(key.hash, 'hex');
    const actual = hashOf(key.salt, m[2]);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    return principalOf(key);
  }

  private save() {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify([...this.keys.values()], null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

/** The caller a stored key stands for; undefined when what is stored is malformed (a hand-edited file): never an unscoped caller. */
function principalOf(key: StoredApiKey): Principal | undefined {
  try {
    const scopeUnitId = scopeClaim(key.scopeUnitId, 'scope');
    return { id: `system:${key.name}`, roles: rolesClaim(key.roles), scopeUnitId, allow: allowClaim(key.allow) ?? [], via: 'api-key', keyId: key.id };
  } catch {
    return undefined;
  }
}
