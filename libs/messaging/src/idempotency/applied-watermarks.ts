/** An event as a consumer knows it: its id and its position in the log that wrote it. */
export interface PlacedEvent {
  eventId: string;
  position: number;
}

/** What the snapshot keeps: the watermark of each lane, the ids still failed, the recent ids. */
export interface AppliedWatermarksState {
  through: Array<[lane: string, position: number]>;
  failed: string[];
  recent: string[];
}

/** Enough recent ids to cover a relay's re-sent batch and a test's wait for its last events. */
export const RECENT_APPLIED_IDS = 10_000;

/**
 * Idempotency for in-memory replicas (the fourth case of docs/messaging.md) in memory that grows
 * with the number of lanes, not with the log. A lane is one log (its origin: the id of its first
 * event) on one partition of a topic. Within a lane a relay publishes in position order, and a
 * partition keeps that order, so every event of a lane at or below the highest position applied
 * there is a redelivery: a rebalance, a relay's batch sent again after a crash, a dead letter
 * replayed to every group. The exceptions are the events whose attempt failed (dead-lettered, then
 * replayed): they are kept by id until they are applied. The origin keeps apart two logs that
 * number their events alike (a log rebuilt from nothing, publishing on the same topic).
 *
 * The last RECENT_APPLIED_IDS ids are kept too: they answer `hasApplied` by id alone, recognise an
 * event re-sent on another lane (a batch published before the origin header existed, sent again
 * with it), and are all there is for an event of no known log (`lane` undefined: a message without
 * the header, whose position may be another log's; a test's events published by hand).
 */
export class AppliedWatermarks {
  private through = new Map<string, number>();
  private failed = new Set<string>();
  private recent = new Set<string>();

  constructor(private readonly recentLimit = RECENT_APPLIED_IDS) {}

  isApplied(event: PlacedEvent, lane: string | undefined): boolean {
    if (this.failed.has(event.eventId)) return false;
    if (this.recent.has(event.eventId)) return true;
    return lane !== undefined && event.position <= (this.through.get(lane) ?? 0);
  }

  /** Whether the event is among the recent ones applied: by id alone, for a test waiting on a replica. */
  isRecentlyApplied(eventId: string): boolean {
    return this.recent.has(eventId);
  }

  /** Call once the event's effects are done. */
  recordApplied(event: PlacedEvent, lane: string | undefined): void {
    if (lane !== undefined && event.position > (this.through.get(lane) ?? 0)) this.through.set(lane, event.position);
    this.failed.delete(event.eventId);
    this.recent.add(event.eventId);
    if (this.recent.size > this.recentLimit) this.recent.delete(this.recent.values().next().value as string);
  }

  /** Call when an attempt failed: the event stays unapplied whatever its lane's watermark does next. */
  recordFailed(event: PlacedEvent): void {
    this.failed.add(event.eventId);
  }

  /** Copies, taken in one tick. */
  snapshotState(): AppliedWatermarksState {
    return { through: [...this.through], failed: [...this.failed], recent: [...this.recent] };
  }

  restoreState(state: AppliedWatermarksState): void {
    this.through = new Map(state.through);
    this.failed = new Set(state.failed);
    this.recent = new Set(state.recent);
  }

  /** How many things it holds: lanes, failed ids, recent ids (it must not grow with the log). */
  get size(): { lanes: number; failed: number; recent: number } {
    return { lanes: this.through.size, failed: this.failed.size, recent: this.recent.size };
  }
}
