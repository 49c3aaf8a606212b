import { Inject, Injectable } from '@nestjs/common';
import { EventStore, readStreamsOf, RecordedEvent } from '@register/event-sourcing';
import { PersonalData } from '@register/contracts';
import { PersonnelDirectory } from '../application/personnel-directory';
import { PERSONNEL_KEYS, PERSONNEL_LOG } from '../application/tokens';
import { isSealed, KeyVault } from '@register/personal-data';
import { openPersonal } from '@register/personal-data';

/**
 * Events kept at most, the least recently read streams dropped first: enough for a large
 * district's member streams, bounded in memory (a sealed event costs about 1.2 KB of heap, docs/scale.md).
 */
const MAX_EVENTS = 50_000;

/** What a fold as of a date needs of an event: its free text (reason, decision) is left out. */
const slim = (e: RecordedEvent): RecordedEvent => ({ ...e, metadata: { effectiveDate: e.metadata.effectiveDate } as RecordedEvent['metadata'] });

/**
 * Members' streams for the `asOf` member lists, kept in memory as stored (personal data sealed) so
 * that the next list of the same members reads nothing: reading ~2,000 streams from the embedded
 * log took ~200 ms a list, opening every event's personal data and free text another ~130 ms.
 * The write-side view tells of every event it applies (PersonnelDirectory.onApplied) and that
 * stream is dropped, so after `directory.caughtUp()` what is kept is the log as it stands; a stream
 * that changes while it is being read is not kept. Nothing opened is kept: a shredded key still
 * makes a name unreadable here, and `open` is asked per member listed (MemberListAsOf).
 */
@Injectable()
export class MemberStreams {
  /** stream id → its events as stored (least recently read first: a Map keeps insertion order). */
  private readonly kept = new Map<string, RecordedEvent[]>();
  private size = 0;
  /** The streams changed during each read under way: those are not kept from it. */
  private readonly changedDuringReads = new Set<Set<string>>();

  constructor(
    @Inject(PERSONNEL_LOG) private readonly log: EventStore,
    @Inject(PERSONNEL_KEYS) private readonly vault: KeyVault | null,
    directory: PersonnelDirectory,
  ) {
    directory.onApplied((streamId) => this.forget(streamId));
  }

  /** These streams' events as stored (personal data sealed), each in revision order; only the streams not kept are read, in one read. */
  async of(streamIds: readonly string[]): Promise<RecordedEvent[][]> {
    // Taken before the read: a stream dropped meanwhile changed after the caller's caughtUp.
    const found = new Map<string, RecordedEvent[]>();
    for (const id of streamIds) {
      const events = this.kept.get(id);
      if (events) found.set(id, this.touched(id, events));
    }
    const missing = streamIds.filter((id) => !found.has(id));
    if (missing.length > 0) {
      for (const id of missing) found.set(id, []);
      const changed = new Set<string>();
      this.changedDuringReads.add(changed);
      try {
        for (const e of await readStreamsOf(this.log, missing)) found.get(e.streamId)?.push(slim(e));
      } finally {
        this.changedDuringReads.delete(changed);
      }
      for (const id of missing) if (!changed.has(id)) this.keep(id, found.get(id)!);
    }
    return streamIds.map((id) => found.get(id)!);
  }

  /** A sealed `personal` opened (null once its key is shredded); anything else as it is. */
  async open(personal: unknown): Promise<PersonalData | null> {
    if (!isSealed(personal)) return (personal as PersonalData | null | undefined) ?? null;
    return this.vault ? openPersonal(personal, this.vault) : null;
  }

  private forget(streamId: string) {
    this.size -= this.kept.get(streamId)?.length ?? 0;
    this.kept.delete(streamId);
    for (const changed of this.changedDuringReads) changed.add(streamId);
  }

  private keep(streamId: string, events: RecordedEvent[]) {
    this.size -= this.kept.get(streamId)?.length ?? 0;
    this.kept.delete(streamId);
    this.kept.set(streamId, events);
    this.size += events.length;
    for (const [oldest, old] of this.kept) {
      if (this.size <= MAX_EVENTS) break;
      this.kept.delete(oldest);
      this.size -= old.length;
    }
  }

  /** Moved to the most recently read end. */
  private touched(streamId: string, events: RecordedEvent[]): RecordedEvent[] {
    this.kept.delete(streamId);
    this.kept.set(streamId, events);
    return events;
  }
}
