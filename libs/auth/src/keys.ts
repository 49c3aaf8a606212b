import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the register keeps its local secrets under DATA_DIR. */
export const authDir = (dataDir: string) => join(dataDir, 'auth');

/**
 * The HS256 signing secret of the embedded start and of tests: REGISTER_JWT_SECRET when set,
 * otherwise one generated once and kept (mode 0600) in DATA_DIR/auth/jwt-secret.
 */
export function localSigningSecret(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = env.REGISTER_JWT_SECRET;
  if (given && given.length > 0) {
    if (given.length < 32) throw new Error('REGISTER_JWT_SECRET must be at least 32 characters');
    return given;
  }
  return keptSecret(dataDir, 'jwt-secret');
}

/** A secret of the register generated once and kept (mode 0600) in DATA_DIR/auth/<name>. */
export function keptSecret(dataDir: string, name: string): string {
  const dir = authDir(dataDir);
  const file = join(dir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process of the same start made it first: theirs is the one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
  try {
    chmodSync(file, 0o600);
  } catch {
    // best effort on filesystems without modes
  }
  return secret;
}
