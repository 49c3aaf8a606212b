import { Logger } from '@nestjs/common';
import { deserialize, serialize } from 'node:v8';
import type { GroupSnapshotRow } from '@register/event-store';
import { CostPacing } from '@register/event-sourcing';
import type { HandledOffsets, ReliableKafkaServer, ResumableGroup } from '@register/messaging';
import { partsRefusal, SnapshotPart } from './snapshot-part';

/** Where a group's snapshot is kept: the service's `group_snapshots` table (SqlGroupSnapshots). */
export interface GroupSnapshotStore {
  load(group: string): Promise<GroupSnapshotRow | undefined>;
  save(group: string, row: Omit<GroupSnapshotRow, 'takenAt'>): Promise<void>;
  /** Of the group `family` and its instances' groups, the one saved last (SqlGroupSnapshots). */
  newestOfFamily?(family: string): Promise<string | undefined>;
  /** Drops the snapshots of the family's other groups saved more than `seconds` ago. */
  dropStaleSiblings?(family: string, own: string, seconds: number): Promise<number>;
}

/** How old a sibling instance's snapshot may grow before a save drops it (an hour: live instances save every minute or so). */
const STALE_SIBLING_SECONDS = 3600;

/**
 * A distributed service's in-memory consumer group kept across restarts (docs/messaging.md): the
 * SnapshotParts its handlers feed, saved in one row with the offsets their states include, every
 * REGISTER_SNAPSHOT_EVERY_SECONDS (60) when something was handled, and at close. Only once the row
 * is saved are those offsets committed to the group, so the committed offsets never pass the saved
 * state. At start, all or nothing: every part present in the row with its version, else none is
 * restored and every partition is read from its beginning.
 */
export class GroupSnapshots implements ResumableGroup {
  private readonly logger: Logger;
  private server?: ReliableKafkaServer;
  private timer?: NodeJS.Timeout;
  private taking?: Promise<boolean>;
  private handledAtLast = 0;
  /** Periodic snapshots no more often than their cost allows: it grows with the group's state. */
  private readonly pacing = new CostPacing();
  private abandoned = false;
  /** Whether this start resumed from the saved row, and if not, why. */
  restored = false;
  notRestoredBecause?: string;

  constructor(
    private readonly group: string,
    private readonly parts: () => SnapshotPart[],
    private readonly store: () => Promise<GroupSnapshotStore>,
    private readonly everySeconds = Number(process.env.REGISTER_SNAPSHOT_EVERY_SECONDS ?? 60),
    /**
     * The group's name shared by its instances (instanceGroup): an instance with no snapshot of its
     * own (new, or renamed) starts from the newest of theirs, as each reads every partition.
     */
    private readonly family?: string,
  ) {
    this.logger = new Logger(`GroupSnapshots ${group}`);
  }

  /** The server it snapshots; the periodic snapshot starts with it. */
  attach(server: ReliableKafkaServer): void {
    this.server = server;
  }

  async restore(): Promise<HandledOffsets | undefined> {
    if (this.everySeconds > 0) this.timer = setInterval(() => void this.periodic(), this.everySeconds * 1000).unref();
    const row = await this.loadOwnOrSibling();
    const why = this.refusal(row);
    if (why) {
      this.notRestoredBecause = why;
      this.logger.log(`every partition read from its beginning: ${why}`);
      return undefined;
    }
    const states = deserialize(row!.states) as Record<string, unknown>;
    // Some parts would hold the row's state and others not: the process cannot go on from here.
    for (const part of this.parts()) part.restoreState(states[part.snapshotName]);
    this.restored = true;
    this.handledAtLast = 0;
    this.logger.log(`resumed from the snapshot of ${row!.takenAt.toISOString()}: ${this.parts().length} parts, offsets ${JSON.stringify(row!.offsets)}`);
    return row!.offsets;
  }

  private async loadOwnOrSibling(): Promise<GroupSnapshotRow | undefined> {
    const store = await this.store();
    const own = await store.load(this.group);
    if (own || !this.family || !store.newestOfFamily) return own;
    const sibling = await store.newestOfFamily(this.family);
    if (sibling === undefined || sibling === this.group) return undefined;
    this.logger.log(`no snapshot of its own: starting from ${sibling}'s`);
    return store.load(sibling);
  }

  private refusal(row: GroupSnapshotRow | undefined): string | undefined {
    if (!row) return 'no snapshot yet';
    return partsRefusal(this.parts(), row.versions);
  }

  async beforeClose(server: ReliableKafkaServer): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.abandoned) return;
    this.server = server;
    await this.taking;
    await this.snapshot('shutdown');
  }

  /** As if the process died here: no more snapshots, none at close (tests of a crash). */
  abandon(): void {
    if (this.timer) clearInterval(this.timer);
    this.abandoned = true;
    this.server = undefined;
  }

  /** Takes a cut of the running consumer and saves it, then commits its offsets. False when nothing was new or no consumer runs. */
  snapshot(reason = 'requested'): Promise<boolean> {
    if (this.taking) return this.taking;
    this.taking = this.take(reason).finally(() => (this.taking = undefined));
    return this.taking;
  }

  private async periodic(): Promise<void> {
    if (!this.pacing.due) return;
    try {
      await this.snapshot('periodic');
    } catch (error) {
      this.logger.warn(`periodic snapshot failed: ${(error as Error).message}`);
    }
  }

  private async take(reason: string): Promise<boolean> {
    const server = this.server;
    if (!server || this.abandoned || server.handled === this.handledAtLast) return false;
    const started = performance.now();
    const parts = this.parts();
    const handled = server.handled;
    const cut = await server.cut(() => {
      const states: Record<string, unknown> = {};
      for (const part of parts) states[part.snapshotName] = part.snapshotState();
      return serialize(states); // in the same tick: the parts' live objects are copied before any handler runs again
    });
    if (!cut) return false;
    const versions = Object.fromEntries(parts.map((part) => [part.snapshotName, part.snapshotVersion]));
    const store = await this.store();
    await store.save(this.group, { versions, offsets: cut.offsets, states: cut.state });
    await server.commit(cut.offsets);
    if (this.family) await store.dropStaleSiblings?.(this.family, this.group, STALE_SIBLING_SECONDS);
    this.handledAtLast = handled;
    this.pacing.ran(started);
    this.logger.log(`${reason} snapshot: ${parts.length} parts, ${(cut.state.length / 1e6).toFixed(1)} MB, ${server.handled} messages handled since start, ${Math.round(performance.now() - started)} ms`);
    return true;
  }
}
