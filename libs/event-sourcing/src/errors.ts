/** The stream moved on since the caller read it (optimistic concurrency). Maps to HTTP 409. */
export class WrongExpectedRevisionError extends Error {
  /** `entity`: what the caller read (`branch b-1`), where the stream is no id a caller sees (organisation keeps its whole tree in one). */
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: string,
    entity?: string,
  ) {
    super(entity ? `${entity} is at version ${actual} (ETag "${actual}"), If-Match gave "${expected}"` : `stream ${streamId} is at revision ${actual}, expected ${expected}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** A domain rule refused the command. Maps to HTTP 422; `rule` names the rule for clients. */
export class RuleViolation extends Error {
  constructor(
    readonly rule: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RuleViolation';
  }
}

/** The command collides with the register's current state (a post already taken, a duplicate). HTTP 409. */
export class ConflictError extends Error {
  constructor(
    readonly rule: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** The addressed aggregate does not exist. HTTP 404. */
export class NotFoundError extends Error {
  /** `detail`, when there is more to say than that it does not exist (an entity that exists from a later day). */
  constructor(readonly entity: string, readonly id: string, detail?: string) {
    super(detail ?? `${entity} ${id} does not exist`);
    this.name = 'NotFoundError';
  }
}
