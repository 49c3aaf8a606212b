import { createHash, createPrivateKey, createPublicKey, hkdfSync } from 'node:crypto';
import { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { keptSecret } from '@register/auth';
import { ConflictError, RuleViolation } from '@register/event-sourcing';
import { EmptyRange, LogDamaged, LogIntegrity, LogSigner, LogVerdict, StoredCheckpoint } from '@register/verifiable-log';
import { RegisterConfig } from './config';

/** The name the register signs its checkpoints under (the signed note's key name). */
export const LOG_KEY_NAME = 'union-register';

/** What the gateway's audit API asks of a log's integrity: in one process, or over HTTP. */
export interface LogIntegrityPort {
  /** The whole log; or, given a checkpoint the auditor trusts (its signed note), the events after it. */
  verify(trustedCheckpoint?: string): Promise<LogVerdict & { trustedFrom?: { size: number; rootHash: string } }>;
  /** After `afterSize` the next `limit` checkpoints, else the newest `limit` (CHECKPOINTS_PAGE by default), smallest first. */
  checkpoints(page?: CheckpointsPage): Promise<{ origin: string; keyName: string; publicKey: string; checkpoints: Omit<StoredCheckpoint, 'frontier'>[]; more: boolean }>;
  proof(position: number): Promise<unknown | undefined>;
  bundle(fromPosition?: number, toPosition?: number): AsyncIterable<string>;
}

/** Which checkpoints a listing gives: after a size, or the newest; at most `limit`. */
export interface CheckpointsPage {
  afterSize?: number;
  limit?: number;
}

/** The most checkpoints one listing gives (a log signed every few seconds for years has millions). */
export const CHECKPOINTS_PAGE = 1000;

export const logIntegrityToken = (service: string): symbol => Symbol.for(`union-register.log-integrity.${service}`);

export function logIntegrityIn(modules: ModuleRef, service: string): LogIntegrityPort | undefined {
  try {
    return modules.get<LogIntegrityPort | null>(logIntegrityToken(service), { strict: false }) ?? undefined;
  } catch {
    return undefined;
  }
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The key the register signs checkpoints with. REGISTER_LOG_SIGNING_KEY (a PKCS#8 PEM, from a
 * secret) when given; distributed, else derived from REGISTER_INTERNAL_SECRET (every process holds
 * it, so every instance signs with one key); embedded, a seed kept once under DATA_DIR/auth.
 */
export function logSigner(config: Pick<RegisterConfig, 'mode' | 'dataDir'>, env: NodeJS.ProcessEnv = process.env): LogSigner {
  const pem = env.REGISTER_LOG_SIGNING_KEY;
  const privateKey = pem
    ? createPrivateKey(pem)
    : createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seedOf(config, env)]), format: 'der', type: 'pkcs8' });
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('REGISTER_LOG_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM)');
  return { name: LOG_KEY_NAME, privateKey, publicKey: createPublicKey(privateKey) };
}

function seedOf(config: Pick<RegisterConfig, 'mode' | 'dataDir'>, env: NodeJS.ProcessEnv): Buffer {
  const shared = config.mode === 'distributed' ? env.REGISTER_INTERNAL_SECRET : undefined;
  if (shared) return Buffer.from(hkdfSync('sha256', shared, 'union-register', 'log-signing-key', 32));
  return createHash('sha256').update(keptSecret(config.dataDir, 'log-signing-seed')).digest();
}

/** How often a log is checkpointed: every N events or T seconds, whichever comes first. */
export interface CheckpointCadence {
  everyEvents: number;
  everyMs: number;
}

export function checkpointCadence(env: NodeJS.ProcessEnv = process.env): CheckpointCadence {
  const events = Number(env.LOG_CHECKPOINT_EVERY_EVENTS ?? 1000);
  const seconds = Number(env.LOG_CHECKPOINT_EVERY_SECONDS ?? 10);
  return { everyEvents: events > 0 ? events : 1000, everyMs: (seconds > 0 ? seconds : 10) * 1000 };
}

/**
 * A log's integrity as a provider: it checkpoints the log on its cadence while the module lives,
 * and once more when it stops, while the log's database is still open.
 */
export class CheckpointedLog implements LogIntegrityPort, OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private lastSize = 0;
  private lastAt = Date.now();
  private running?: Promise<unknown>;
  private readonly logger: Logger;

  constructor(
    readonly integrity: LogIntegrity,
    private readonly head: () => Promise<{ size: number }>,
    private readonly cadence: CheckpointCadence,
  ) {
    this.logger = new Logger(`LogIntegrity:${integrity.service}`);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), Math.min(1000, this.cadence.everyMs)).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.checkpointNow().catch((error) => this.logger.warn(`no last checkpoint: ${(error as Error).message}`));
  }

  /** Signs a checkpoint of the log as it stands now (if it grew), one at a time. */
  async checkpointNow(): Promise<StoredCheckpoint | undefined> {
    const made = await this.integrity.checkpoint();
    if (made) [this.lastSize, this.lastAt] = [made.size, Date.now()];
    return made;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = (async () => {
      const { size } = await this.head();
      const due = size - this.lastSize >= this.cadence.everyEvents || (size > this.lastSize && Date.now() - this.lastAt >= this.cadence.everyMs);
      if (due) await this.checkpointNow();
    })()
      .catch((error) => this.logger.warn(`checkpoint failed: ${(error as Error).message}`))
      .finally(() => (this.running = undefined));
  }

  verify(trustedCheckpoint?: string) {
    return this.integrity.verify(trustedCheckpoint);
  }

  async checkpoints(page: CheckpointsPage = {}) {
    const { checkpoints, more } = await this.integrity.checkpointsPage(page.afterSize, Math.min(page.limit ?? CHECKPOINTS_PAGE, CHECKPOINTS_PAGE));
    return { origin: this.integrity.origin, keyName: this.integrity.keyName, publicKey: this.integrity.verifierKey, checkpoints: checkpoints.map(({ frontier: _f, ...c }) => c), more };
  }

  /**
   * 409 log-damaged where the stored log gives no proof that holds (a row deleted, an edit):
   * verification says what. An event no checkpoint covers yet has the log's head signed first, as
   * an export does: a proof is asked of an event just written.
   */
  async proof(position: number) {
    try {
      const proof = await this.integrity.inclusionProof(position);
      if (proof?.checkpoint !== null) return proof;
      await this.checkpointNow();
      return await this.integrity.inclusionProof(position);
    } catch (error) {
      if (error instanceof LogDamaged) throw new ConflictError('log-damaged', `${error.message}: POST /audit/verifications names what is wrong`);
      throw error;
    }
  }

  /** The bundle, the log's head signed first (if it grew since the last checkpoint): every event an export holds is then under a signed root. */
  async *bundle(fromPosition?: number, toPosition?: number): AsyncIterable<string> {
    await this.checkpointNow();
    try {
      yield* this.integrity.bundle(fromPosition, toPosition);
    } catch (error) {
      // Before the first line (the range's prefix): an answer of its own, as a proof's is.
      if (error instanceof LogDamaged) throw new ConflictError('log-damaged', `${error.message}: POST /audit/verifications names what is wrong`);
      if (error instanceof EmptyRange) throw new RuleViolation(error.rule, `${error.field}: ${error.message}`, { field: error.field, head: error.head });
      throw error;
    }
  }
}
