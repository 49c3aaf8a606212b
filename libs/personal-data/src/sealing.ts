import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PersonalData, SealedPersonalData } from '@register/contracts';

/**
 * Crypto-shredding of members' personal data (Law 91/2025/QH15, Decree 356/2025): each member's
 * personal data is encrypted with a key of that member alone (AES-256-GCM, the key id as
 * additional data), kept in a key table outside the log. Destroying the key makes every copy of the
 * data unreadable, in the log, its backups and on Kafka, while the events stay and the audit trail
 * holds.
 */
export const SEALING = 'aes-256-gcm/v1' as const;

export function sealPersonal(keyId: string, data: PersonalData, key: Buffer): SealedPersonalData {
  return sealJson(keyId, data, key);
}

export function unsealPersonal(sealed: SealedPersonalData, key: Buffer): PersonalData {
  return unsealJson(sealed, key) as PersonalData;
}

/** Any JSON value sealed under a member's key: personal data, or the free text of their events. */
/** Random IVs drawn from a pool filled by the system's random source a thousand at a time (one call each was a fifth of sealing). */
const IV_BYTES = 12;
let ivPool = Buffer.alloc(0);
function nextIv(): Buffer {
  if (ivPool.length < IV_BYTES) ivPool = randomBytes(IV_BYTES * 1024);
  const iv = ivPool.subarray(0, IV_BYTES);
  ivPool = ivPool.subarray(IV_BYTES);
  return iv;
}

export function sealJson(keyId: string, value: unknown, key: Buffer): SealedPersonalData {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(keyId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { sealed: SEALING, keyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

export function unsealJson(sealed: SealedPersonalData, key: Buffer): unknown {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(sealed.keyId, 'utf8'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8'));
}

export const isSealed = (value: unknown): value is SealedPersonalData => !!value && typeof value === 'object' && (value as { sealed?: unknown }).sealed === SEALING;

/** The key table: one key per member, created on first use; a shredded key is gone for good. */
export interface KeyVault {
  /**
   * The member's key, created when missing; undefined once shredded (nothing new is sealed for them).
   * A key of text naming several members (`linkedTo`: an enrolment of a class) is created linked to
   * each of them, so that erasing any one of them shreds it too.
   */
  keyFor(keyId: string, linkedTo?: readonly string[]): Promise<Buffer | undefined>;
  /** The keys created linked to this member (see keyFor). */
  linkedKeys(memberId: string): Promise<string[]>;
  /** The key if it still exists. */
  find(keyId: string): Promise<Buffer | undefined>;
  /** Whether the key was shredded (a tombstone), as against never made: text stored in the clear before sealing existed is then read "[erased]". */
  isShredded(keyId: string): Promise<boolean>;
  /** Shreds the key rows now, in one statement (throws if it could not: the shredding is then retried, see erased). */
  shred(...keyIds: string[]): Promise<void>;
  /**
   * An erasure recorded in the log (the write-side view applied MemberPersonalDataErased, on every
   * instance): the key is a tombstone in this process at once and for good, and its row is shredded
   * in the background, retried until done; a row already shredded is left as it is.
   */
  erased(keyId: string): void;
}

/** For unit tests and throwaway runs: keys die with the process. */
export class InMemoryKeyVault implements KeyVault {
  private readonly keys = new Map<string, Buffer | null>();
  private readonly links = new Map<string, Set<string>>();
  async keyFor(keyId: string, linkedTo: readonly string[] = []) {
    if (!this.keys.has(keyId)) this.keys.set(keyId, randomBytes(32));
    for (const member of linkedTo) this.links.set(member, (this.links.get(member) ?? new Set()).add(keyId));
    return this.keys.get(keyId) ?? undefined;
  }
  async linkedKeys(memberId: string) {
    return [...(this.links.get(memberId) ?? [])];
  }
  async find(keyId: string) {
    return this.keys.get(keyId) ?? undefined;
  }
  async isShredded(keyId: string) {
    return this.keys.get(keyId) === null;
  }
  async shred(...keyIds: string[]) {
    for (const keyId of keyIds) this.keys.set(keyId, null);
  }
  erased(keyId: string) {
    this.keys.set(keyId, null);
  }
}

/**
 * A read-only view of this process's vault (the auditors' log in the service that owns the keys):
 * it shares the vault's cache, which a shredding updates at once, and never creates or shreds a key.
 */
export function readOnlyKeys(vault: KeyVault): KeyVault {
  const refuse = async (): Promise<never> => {
    throw new Error('the key table is read only here: keys are created and shredded by their service\'s commands');
  };
  // erased: nothing here; the vault it views is told of every erasure by the service's write-side view.
  return { keyFor: refuse, find: (keyId) => vault.find(keyId), isShredded: (keyId) => vault.isShredded(keyId), linkedKeys: (memberId) => vault.linkedKeys(memberId), shred: refuse, erased: () => undefined };
}
