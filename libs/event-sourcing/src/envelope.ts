/** A decision of a union body that authorises a change (số quyết định). */
export interface DecisionRef {
  number: string;
  issuedBy?: string;
  /** YYYY-MM-DD */
  date?: string;
}

/** Who, why and when: what auditors read on every fact in the register. */
export interface EventMetadata {
  actor: string;
  reason: string;
  decision?: DecisionRef;
  /** When the change takes effect in the world (YYYY-MM-DD); may lie in the past. */
  effectiveDate: string;
  correlationId: string;
  causationId?: string;
  /**
   * A reaction's events (a member moved by a merger): the person whose change caused them, carried
   * from the causing event, so that an auditor sees who started it without following causationId.
   * `actor` stays the service that acted.
   */
  onBehalfOf?: string;
  /** The command that produced the event, for idempotent retries. */
  commandId?: string;
}

/** A fact as a decider returns it: type and data only. */
export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
  /**
   * The day the fact takes effect, when the decision moved it from the command's (a reorganisation
   * recorded late and dated before the member arrived moves them on their arrival): the envelope's
   * effective date. Not stored in the data.
   */
  effectiveOn?: string;
}

/** A fact ready to be appended: the kernel has given it an id, a schema version and metadata. */
export interface EventToAppend<E extends DomainEvent = DomainEvent> {
  eventId: string;
  type: E['type'];
  schemaVersion: number;
  data: E['data'];
  metadata: EventMetadata;
}

/** A fact as the log holds it. `recordedAt` is stamped by the store: when the register learned it. */
export interface RecordedEvent<E extends DomainEvent = DomainEvent> extends EventToAppend<E> {
  streamId: string;
  /** 0-based position of the event within its stream. */
  revision: number;
  /** Position in the global log: strictly increasing in commit order, not necessarily contiguous. */
  position: number;
  /** ISO 8601 instant. */
  recordedAt: string;
}
