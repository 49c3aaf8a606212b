import { EventStore, ReadAllOptions, ReadStreamOptions, RecordedEvent } from '@register/event-sourcing';
import { AuditableLog, LogReader, ShownEvent } from '@register/service-kit';
import { purposeOf } from './purpose';
import { PersonalDataReadLog } from './read-log';

const MEMBER_STREAM = /^member-(.+)$/;

/** The members whose events these are: their own streams, and events whose data names a `memberId`. */
export function membersIn(events: ShownEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    const own = MEMBER_STREAM.exec(e.streamId)?.[1];
    if (own) ids.add(own);
    const named = (e.data as { memberId?: unknown } | null)?.memberId;
    if (typeof named === 'string') ids.add(named);
  }
  return [...ids];
}

/**
 * Personnel's log as auditors read it. What the audit API answered an auditor with is logged in the
 * personal-data read log of every member whose events it showed (their free text is opened for
 * auditors), with the auditor as actor and the audit endpoint, as `/members/{id}/history` reads
 * are logged. The audit API says what it showed (`shown`): it filters what it reads, and a member
 * whose events it read past and did not show was not read by the auditor.
 */
export class ReadLoggingAuditableLog implements AuditableLog {
  constructor(
    private readonly log: AuditableLog,
    private readonly reads: PersonalDataReadLog,
    private readonly reader?: { actor: string; endpoint: string; purpose: string | null },
    /** The streams beside a stream that hold changes to its entity (relatedStreams). */
    private readonly related?: (streamId: string) => string[],
  ) {}

  /** The purpose is read (and refused with 400) before any data, as members' reads do. */
  readFor(reader: LogReader): ReadLoggingAuditableLog {
    const purpose = purposeOf({ 'x-purpose': reader.purpose });
    return new ReadLoggingAuditableLog(this.log, this.reads, { actor: reader.actor.id, endpoint: reader.endpoint, purpose }, this.related);
  }

  async relatedStreams(streamId: string): Promise<string[]> {
    return this.related?.(streamId) ?? [];
  }

  readAll(after: number, limit: number, options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.log.readAll(after, limit, options);
  }

  /** Followed by the service or the gateway's reports, never an auditor: nothing to log. */
  get subscribe(): EventStore['subscribe'] | undefined {
    return this.log.subscribe?.bind(this.log);
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.log.readStream(streamId, options);
  }

  headPosition(): Promise<number> {
    return this.log.headPosition();
  }

  /** Without a reader (the service reading its own log) nothing is logged. */
  async shown(events: ShownEvent[]): Promise<void> {
    if (this.reader) await this.reads.record({ ...this.reader, memberIds: membersIn(events) });
  }
}
