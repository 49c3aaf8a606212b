import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Page } from './paging';
import { ValidationFailed } from './problem-details';

const IV = 12;
const TAG = 16;
const refused = () => new ValidationFailed([{ field: 'cursor', rule: 'cursor', message: 'cursor must be a nextCursor this API returned' }]);

/**
 * Cursors of lists sorted by a person's name carry that name (folded) to the next request's URL,
 * and so into proxies' and servers' access logs. Such a list seals its cursors: AES-256-GCM under a
 * key drawn from the register's fingerprint secret (the same in every process, so a cursor outlives
 * a restart and crosses instances), a fresh IV each, so that equal cursors do not look equal. A
 * cursor that does not open (altered, or sealed under another key) is refused as any unknown cursor.
 */
export class SealedCursors {
  private readonly key: Buffer;

  constructor(secret?: string) {
    this.key = secret ? Buffer.from(hkdfSync('sha256', secret, 'union-register', 'list-cursor', 32)) : randomBytes(32);
  }

  /** `bound`: what else the cursor is for (a list's query): it opens only with the same. */
  seal(cursor: string | null, bound = ''): string | null {
    if (!cursor) return cursor;
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    if (bound) cipher.setAAD(Buffer.from(bound, 'utf8'));
    const sealed = Buffer.concat([cipher.update(cursor, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  open(cursor: string | undefined, bound = ''): string | undefined {
    if (cursor === undefined || cursor === '') return undefined;
    const bytes = /^[A-Za-z0-9_-]{1,6000}$/.test(cursor) ? Buffer.from(cursor, 'base64url') : Buffer.alloc(0);
    if (bytes.length <= IV + TAG) throw refused();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV));
      if (bound) decipher.setAAD(Buffer.from(bound, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG));
      return Buffer.concat([decipher.update(bytes.subarray(IV, bytes.length - TAG)), decipher.final()]).toString('utf8');
    } catch {
      throw refused();
    }
  }
}

/** A list's page reader with sealed cursors: the cursor given is opened before the page is read, the next one sealed. */
export function sealedPages<T>(cursors: SealedCursors, fetchPage: (limit: number, cursor: string | undefined) => Promise<Page<T>>) {
  return async (limit: number, sealed: string | undefined): Promise<Page<T>> => {
    const page = await fetchPage(limit, cursors.open(sealed));
    return { ...page, nextCursor: cursors.seal(page.nextCursor) };
  };
}
