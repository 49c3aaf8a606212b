import { Global, Inject, Injectable, Logger, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { CostPacing, EventStore } from '@register/event-sourcing';
import { CheckpointStore, LogRelay } from '@register/messaging';
import { RegisterConfig } from './config';
import { readSnapshotFile, SavedLog, SNAPSHOT_FORMAT, SnapshotFile, SnapshotHeader, writeSnapshotFile } from './embedded-snapshot-file';
import { isSnapshotPart, partsRefusal, SnapshotPart } from './snapshot-part';
import { REGISTER_CONFIG } from './tokens';

/** How long a snapshot waits for a moment with no relay publishing before it gives up (a periodic one tries again next time). */
const QUIET_WAIT_MS = 30_000;
/** How long after an erasure its snapshot is taken (see soon). */
const SOON_MS = 2_000;

interface ServiceLog {
  store: EventStore;
  relay?: LogRelay;
}

/**
 * The embedded start's snapshot (docs/scale.md, "The embedded snapshot"): every SnapshotPart among
 * the app's providers and controllers, each relay's published position and each log's head, in one
 * file under DATA_DIR. At start, before any relay, runner or subscription runs, it restores all of
 * it or nothing; then the relays resume from their saved positions, the runners from the
 * checkpoints kept in the read store, and a start reads the logs' tails only. It writes a new one
 * every REGISTER_SNAPSHOT_EVERY_SECONDS (60) when a log moved, and at shutdown before anything stops.
 * REGISTER_EMBEDDED_SNAPSHOTS=off turns it off (every start replays every log from its beginning).
 */
@Injectable()
export class EmbeddedSnapshots implements OnModuleInit, OnModuleDestroy {
  readonly path: string;
  private readonly logger = new Logger('EmbeddedSnapshots');
  private readonly logs = new Map<string, ServiceLog>();
  private readonly relayStarts = new Map<string, number>();
  private active: boolean;
  private parts: SnapshotPart[] = [];
  private timer?: NodeJS.Timeout;
  private soonTimer?: NodeJS.Timeout;
  private taking?: Promise<boolean>;
  private lastHeads?: Record<string, number>;
  /** Periodic snapshots no more often than their cost allows: it grows with what the register holds. */
  private readonly pacing = new CostPacing();
  private abandoned = false;
  /** Whether this start resumed from a snapshot, and if not, why (for operators and tests). */
  restored = false;
  notRestoredBecause?: string;

  constructor(
    @Inject(REGISTER_CONFIG) config: RegisterConfig,
    private readonly discovery: DiscoveryService,
  ) {
    this.active = config.mode === 'embedded' && process.env.REGISTER_EMBEDDED_SNAPSHOTS !== 'off';
    this.path = join(config.dataDir, 'snapshots', 'embedded.v8');
  }

  /** A service's log and its relay (none when REGISTER_RELAY=off), told by relayProviders as the app is built. */
  addLog(service: string, store: EventStore, relay?: LogRelay): void {
    this.logs.set(service, { store, relay });
  }

  /** The relay's checkpoints: its saved position when everything was restored, else 0 (the whole log again). */
  checkpointsOf(service: string): CheckpointStore {
    return {
      load: async () => this.relayStarts.get(service) ?? 0,
      save: async () => undefined, // the position that counts is the one taken with the parts, at a quiet moment
    };
  }

  /** Events the relays published since this start: after a restore, the logs' tails only. */
  get publishedSinceStart(): number {
    return [...this.logs.values()].reduce((n, log) => n + (log.relay?.published ?? 0), 0);
  }

  async onModuleInit(): Promise<void> {
    if (!this.active) return;
    this.parts = this.discoverParts();
    if (!this.active) return;
    await this.restore();
    const seconds = Number(process.env.REGISTER_SNAPSHOT_EVERY_SECONDS ?? 60);
    if (seconds > 0) this.timer = setInterval(() => void this.periodic(), seconds * 1000).unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.soonTimer) clearTimeout(this.soonTimer);
    if (!this.active || this.abandoned) return;
    // A failed snapshot must not keep the process from stopping: the next start replays from the last one.
    await this.taking?.catch(() => undefined);
    await this.snapshot('shutdown').catch((error) => this.logger.error(`shutdown snapshot failed: ${(error as Error).stack ?? error}`));
  }

  /**
   * Stops every relay, each once the events it is handing the in-process bus are handled. The
   * first thing a stop does (the root module's onModuleDestroy): a reaction still under way needs
   * the views it waits for (personnel's write-side view), which stop with their own modules.
   */
  async stopRelays(): Promise<void> {
    await Promise.all([...this.logs.values()].map((log) => log.relay?.stop()));
  }

  /** True when every relay has published its log's head and no publish is under way: every event so far handled by the bus's consumers. */
  async relaysCaughtUp(): Promise<boolean> {
    for (const log of this.logs.values()) {
      if (!log.relay) continue;
      if (log.relay.publishing || log.relay.publishedUpTo < (await log.store.headPosition())) return false;
    }
    return ![...this.logs.values()].some((log) => log.relay?.publishing);
  }

  /**
   * A snapshot in a moment (an erasure: the file on disk still holds the read models as they were,
   * names and reasons included, until the next snapshot replaces it). Debounced: erasures in a row
   * take one; the moment lets the read models apply what the erasure recorded.
   */
  soon(reason: string): void {
    if (this.abandoned) return;
    // Turned off: a file left by an earlier start would keep what the erasure removed; it goes.
    if (!this.active) return void rm(this.path, { force: true }).catch((error: Error) => this.logger.warn(`the snapshot file left by an earlier start was not removed: ${error.message}`));
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      this.snapshot(reason).catch((error: Error) => this.logger.warn(`${reason} snapshot failed: ${error.message}`));
    }, SOON_MS);
    this.soonTimer.unref();
  }

  /** As if the process died here: no more snapshots, none at shutdown (tests of a crash). */
  abandon(): void {
    this.abandoned = true;
    if (this.timer) clearInterval(this.timer);
    if (this.soonTimer) clearTimeout(this.soonTimer);
  }

  /**
   * Waits for a moment with no relay publishing, takes every part's state in that one tick, then
   * writes the file. False when it could not (turned off, abandoned, no quiet moment in time).
   */
  snapshot(reason = 'requested'): Promise<boolean> {
    if (!this.active || this.abandoned) return Promise.resolve(false);
    if (this.taking) return this.taking;
    this.taking = this.take(reason).finally(() => (this.taking = undefined));
    return this.taking;
  }

  private async periodic(): Promise<void> {
    try {
      if (!this.pacing.due) return;
      const heads = await this.heads();
      if (this.lastHeads && Object.entries(heads).every(([service, head]) => this.lastHeads![service] === head)) return;
      await this.snapshot('periodic');
    } catch (error) {
      this.logger.warn(`periodic snapshot failed: ${(error as Error).message}`);
    }
  }

  private async take(reason: string): Promise<boolean> {
    if (!(await this.quiet())) {
      this.logger.warn(`no ${reason} snapshot: the relays did not pause within ${QUIET_WAIT_MS / 1000} s`);
      return false;
    }
    // One tick from here to the serialize: every handler fed so far has finished, none runs.
    const started = performance.now();
    const relays: Record<string, number> = {};
    for (const [service, log] of this.logs) if (log.relay) relays[service] = log.relay.publishedUpTo;
    const versions: Record<string, number> = {};
    const states: Record<string, unknown> = {};
    for (const part of this.parts) {
      versions[part.snapshotName] = part.snapshotVersion;
      states[part.snapshotName] = part.snapshotState();
    }
    const bytes = serialize(states);
    // The heads after the tick: at or past whatever any part has seen.
    const logs: Record<string, SavedLog> = {};
    for (const [service, log] of this.logs) logs[service] = await this.savedLog(log.store);
    const header: SnapshotHeader = { format: SNAPSHOT_FORMAT, takenAt: new Date().toISOString(), tookMs: 0, logs, relays, versions };
    header.tookMs = Math.round(performance.now() - started);
    const size = await writeSnapshotFile(this.path, header, bytes);
    this.lastHeads = Object.fromEntries(Object.entries(logs).map(([service, log]) => [service, log.head]));
    this.pacing.ran(started);
    this.logger.log(`${reason} snapshot: ${this.parts.length} parts, ${(size / 1e6).toFixed(1)} MB, ${Math.round(performance.now() - started)} ms`);
    return true;
  }

  /** Resolves true at a moment when no relay has a publish in flight (checked in the tick that follows). */
  private async quiet(): Promise<boolean> {
    const deadline = Date.now() + QUIET_WAIT_MS;
    for (;;) {
      if (![...this.logs.values()].some((log) => log.relay?.publishing)) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private discoverParts(): SnapshotPart[] {
    const instances = [...this.discovery.getProviders(), ...this.discovery.getControllers()].map((wrapper) => wrapper.instance as unknown);
    const parts = [...new Set(instances.filter(isSnapshotPart))];
    const names = new Map<string, number>();
    for (const part of parts) names.set(part.snapshotName, (names.get(part.snapshotName) ?? 0) + 1);
    const twice = [...names].filter(([, n]) => n > 1).map(([name]) => name);
    if (twice.length) {
      this.active = false;
      this.logger.error(`snapshots off: parts named twice (${twice.join(', ')}); every start replays the logs`);
    }
    return parts;
  }

  /** All or nothing: any doubt, and every part, replica and relay starts from nothing and replays. */
  private async restore(): Promise<void> {
    let file: SnapshotFile;
    try {
      file = readSnapshotFile(this.path);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      return this.replay(missing ? 'no snapshot yet' : `the snapshot is unreadable (${(error as Error).message})`);
    }
    const why = await this.refusal(file.header);
    if (why) return this.replay(why);
    let states: Record<string, unknown>;
    try {
      states = file.states();
    } catch (error) {
      return this.replay(`the snapshot's states are unreadable (${(error as Error).message})`);
    }
    try {
      for (const part of this.parts) part.restoreState(states[part.snapshotName]);
    } catch (error) {
      // some parts hold the snapshot's state, others not: the process cannot go on from here
      await rename(this.path, `${this.path}.refused`).catch(() => undefined);
      throw new Error(`restoring the embedded snapshot failed; it was moved aside to ${this.path}.refused and the next start replays the logs: ${(error as Error).stack}`);
    }
    for (const [service, position] of Object.entries(file.header.relays)) this.relayStarts.set(service, position);
    this.restored = true;
    this.lastHeads = Object.fromEntries(Object.entries(file.header.logs).map(([service, log]) => [service, log.head]));
    this.logger.log(`resumed from the snapshot of ${file.header.takenAt}: ${this.parts.length} parts, the relays at ${JSON.stringify(file.header.relays)}`);
  }

  private replay(why: string): void {
    this.notRestoredBecause = why;
    this.logger.log(`every log replayed from its beginning: ${why}`);
  }

  /** Why the snapshot cannot be used, if it cannot. */
  private async refusal(header: SnapshotHeader): Promise<string | undefined> {
    if (header?.format !== SNAPSHOT_FORMAT) return `the snapshot has format ${header?.format}, not ${SNAPSHOT_FORMAT}`;
    const refused = partsRefusal(this.parts, header.versions);
    if (refused) return refused;
    for (const [service, log] of this.logs) {
      const saved = header.logs[service];
      if (!saved) return `the snapshot knows no ${service} log`;
      if (log.relay && header.relays[service] === undefined) return `the snapshot has no position of the ${service} relay`;
      const now = await this.savedLog(log.store, saved.head);
      if (now.head < saved.head) return `the ${service} log ends at ${now.head}, before the snapshot's ${saved.head} (restored from an older copy?)`;
      if (now.eventId !== saved.eventId) return `the ${service} log has another event at ${saved.head} than the snapshot (restored from an older copy?)`;
    }
    return undefined;
  }

  /** A log's head, and the id of the event at `at` (default: the head). */
  private async savedLog(store: EventStore, at?: number): Promise<SavedLog> {
    const head = await store.headPosition();
    const position = at ?? head;
    if (position === 0) return { head };
    const [event] = await store.readAll(position - 1, 1);
    return { head, eventId: event?.position === position ? event.eventId : undefined };
  }

  private async heads(): Promise<Record<string, number>> {
    const heads: Record<string, number> = {};
    for (const [service, log] of this.logs) heads[service] = await log.store.headPosition();
    return heads;
  }
}

/** The embedded start's snapshot coordinator; relayProviders hands it each service's log and relay. */
@Global()
@Module({ imports: [DiscoveryModule], providers: [EmbeddedSnapshots], exports: [EmbeddedSnapshots] })
export class EmbeddedSnapshotsModule {}
