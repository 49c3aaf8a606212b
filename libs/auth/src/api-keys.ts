import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { allowClaim, rolesClaim, scopeClaim, SYSTEM_PREFIX } from './claims';
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

/** How often a store looks at its file for keys another process (the api-keys command) created or revoked. */
const RECHECK_MS = 1000;

/**
 * API keys for other systems (header X-Api-Key): `urk_<id>.<secret>`. Kept in memory, and in a
 * JSON file under DATA_DIR/auth when a file is given. Revocation takes effect at once. The file is
 * re-read when it has changed (another inode, size or mtime): at once for a key not known yet, at
 * most once a second otherwise, so a key the command line creates or revokes needs no restart.
 */
export class ApiKeyStore {
  private keys = new Map<string, StoredApiKey>();
  private seen = '';
  private checkedAt = 0;

  constructor(private readonly file?: string) {
    this.reload();
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
    this.reload();
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
    this.reload();
    const key = this.keys.get(id);
    if (!key || key.revokedAt) return false;
    key.revokedAt = new Date().toISOString();
    this.save();
    return true;
  }

  list(): Omit<StoredApiKey, 'salt' | 'hash'>[] {
    this.reload();
    return [...this.keys.values()].map(({ salt: _s, hash: _h, ...rest }) => rest);
  }

  /** The caller a presented key stands for; undefined when unknown, wrong or revoked. */
  verify(presented: string): Principal | undefined {
    const m = KEY_FORMAT.exec(presented);
    if (!m) return undefined;
    if (!this.keys.has(m[1]) || Date.now() - this.checkedAt >= RECHECK_MS) this.reload();
    const key = this.keys.get(m[1]);
    if (!key || key.revokedAt) return undefined;
    const expected = Buffer.from(key.hash, 'hex');
    const actual = hashOf(key.salt, m[2]);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    return principalOf(key);
  }

  /** Reads the file again when it is not the one read last; a file that cannot be read or parsed leaves the keys as they were. */
  private reload() {
    this.checkedAt = Date.now();
    if (!this.file) return;
    const version = fileVersion(this.file);
    if (version === this.seen) return;
    try {
      const stored = version ? (JSON.parse(readFileSync(this.file, 'utf8')) as StoredApiKey[]) : [];
      this.keys = new Map(stored.map((key) => [key.id, key]));
      this.seen = version;
    } catch {
      // a file being replaced by hand: the next look reads it
    }
  }

  private save() {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify([...this.keys.values()], null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
    this.seen = fileVersion(this.file);
  }
}

/** Which version of the file is on disk: save() replaces it by rename, so each version has its own inode. '' when there is none. */
function fileVersion(file: string): string {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : '';
}

/** The caller a stored key stands for; undefined when what is stored is malformed (a hand-edited file): never an unscoped caller. */
function principalOf(key: StoredApiKey): Principal | undefined {
  try {
    const scopeUnitId = scopeClaim(key.scopeUnitId, 'scope');
    return { id: `${SYSTEM_PREFIX}${key.name}`, roles: rolesClaim(key.roles), scopeUnitId, allow: allowClaim(key.allow) ?? [], via: 'api-key', keyId: key.id };
  } catch {
    return undefined;
  }
}
