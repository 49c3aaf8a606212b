import { EventStore, foldRecorded, RecordedEvent } from '@register/event-sourcing';
import { STRUCTURE_STREAM } from '@register/contracts';
import { Structure, structureAggregate } from '../domain/structure';

interface TodaysFold {
  day: string;
  revision: number;
  state: Structure;
  /** The earliest effective date of an event left out (after `day`); null when none was. */
  nextPending: string | null;
}

const later = (a: string | null, b: string) => (a === null || b < a ? b : a);

/**
 * The structure as it stands on a day: the events in force by then, in log order, exactly as `asOf`
 * that day folds them. While no recorded change takes effect after the day (the usual case) that is
 * the live fold itself, and nothing more is kept. While one does, a second fold is kept here and
 * followed event by event; it is folded again only when the day goes back or a left-out change
 * reaches its day. Nothing is written on that day: the read knows the day, the log does not change.
 */
export class TodaysStructure {
  /** The log read so far (by stream revision), and the latest effective date in it. */
  private read = { revision: -1, settledOn: '' };
  private fold?: TodaysFold;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: EventStore) {}

  /** The structure on `day`, or `live` itself when nothing recorded takes effect after `day`. */
  on(day: string, live: Structure): Promise<{ structure: Structure; pending: boolean }> {
    const run = this.queue.then(() => this.onNow(day, live));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async onNow(day: string, live: Structure) {
    const events = await this.store.readStream(STRUCTURE_STREAM, { fromRevision: this.read.revision + 1 });
    for (const e of events) if (e.metadata.effectiveDate > this.read.settledOn) this.read.settledOn = e.metadata.effectiveDate;
    this.read.revision = events.at(-1)?.revision ?? this.read.revision;
    if (this.read.settledOn <= day) {
      this.fold = undefined;
      return { structure: live, pending: false };
    }
    const f = this.fold;
    if (!f || day < f.day || (f.nextPending !== null && f.nextPending <= day)) this.fold = await this.refold(day);
    else this.follow(f, day, events);
    return { structure: this.fold!.state, pending: true };
  }

  /** Applies the events read since the fold's revision: those in force by `day`, the others left out. */
  private follow(f: TodaysFold, day: string, events: RecordedEvent[]) {
    f.day = day;
    for (const e of events.filter((x) => x.revision > f.revision)) {
      if (e.metadata.effectiveDate <= day) f.state = foldRecorded(structureAggregate, [e], f.state);
      else f.nextPending = later(f.nextPending, e.metadata.effectiveDate);
      f.revision = e.revision;
    }
  }

  private async refold(day: string): Promise<TodaysFold> {
    const f: TodaysFold = { day, revision: -1, state: structureAggregate.initialState(), nextPending: null };
    this.follow(f, day, await this.store.readStream(STRUCTURE_STREAM));
    return f;
  }
}
