import { EventToAppend, RecordedEvent } from '@register/event-sourcing';

/** Events kept: a few batches' worth, so that subscribers a page or two behind are answered too. */
const KEPT = 5000;

/**
 * What an append function answers besides its revision: the chain number and position of its first
 * event, its last position, and its one recording instant. Its positions are drawn under the append
 * lock, one after another.
 */
export interface AppendedRows {
  firstSeq: number | null;
  firstPosition: number | null;
  lastPosition: number;
  recorded: string | null;
}

/** One stream's events as appended, with the revision of its first. */
export interface AppendedStream {
  streamId: string;
  firstRevision: number;
  events: readonly EventToAppend[];
}

/**
 * The events this store appended last, as a read of the log would give them, so that its
 * subscribers' next page is answered without reading back what was just written (on PGlite most of
 * a subscriber's cost; docs/scale.md). Kept only while provably whole: events are added in the
 * chain's order (`seq`, which has no gaps, where positions may skip), and an append whose first
 * event does not follow the last one kept starts the window again. So a subscriber at a position
 * inside the window gets exactly the events after it; one before the window reads the log, and so
 * does one at its end unless the store hears of every append (`answersAtHead`: PGlite). Elsewhere
 * an append by another process may have been missed (a LISTEN lost), and only the log can tell.
 *
 * Events come from the appended JSON parsed again, not from the caller's objects: what JSON keeps
 * (no `undefined`, dates as text) and nothing shared with a caller that might change them. Their
 * keys keep the caller's order, where a read gives jsonb's; nothing in the register reads an
 * event's data by key order.
 */
export class RecentAppends {
  private events: RecordedEvent[] = [];
  private nextSeq = -1;

  constructor(
    private readonly answersAtHead: boolean,
    private readonly kept = KEPT,
  ) {}

  /** Adds an append's events (streams in the order appended) with what the append function answered. */
  add(rows: AppendedRows, streams: readonly AppendedStream[]): void {
    const { firstSeq, firstPosition, lastPosition, recorded } = rows;
    const count = streams.reduce((n, s) => n + s.events.length, 0);
    if (firstSeq === null || firstPosition === null || recorded === null || lastPosition - firstPosition + 1 !== count) return this.forget();
    if (firstSeq !== this.nextSeq) this.events = [];
    let position = firstPosition;
    for (const { streamId, firstRevision, events } of streams) {
      events.forEach((e, k) => this.events.push({ ...e, streamId, revision: firstRevision + k, position: position++, recordedAt: recorded }));
    }
    this.nextSeq = firstSeq + count;
    if (this.events.length > 2 * this.kept) this.events = this.events.slice(-this.kept);
  }

  /** The events after `position`, at most `limit`, if the window holds all of them up to `head`; else undefined. */
  after(position: number, limit: number, head: number): RecordedEvent[] | undefined {
    const events = this.events;
    const last = events.at(-1);
    if (!last || head > last.position || position < events[0].position || position > last.position) return undefined;
    if (position === last.position && !this.answersAtHead) return undefined;
    let low = 0;
    let high = events.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (events[mid].position > position) high = mid;
      else low = mid + 1;
    }
    return events.slice(low, low + limit);
  }

  forget(): void {
    this.events = [];
    this.nextSeq = -1;
  }
}
