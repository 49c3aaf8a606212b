import { RecordedEvent } from '@register/event-sourcing';
import { EventHeaders } from './topics';

/** A message as every transport carries it: bytes-agnostic, headers as strings. */
export interface EventMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * The RecordedEvent envelope as a message: key = stream id (one aggregate stays in one partition, in
 * order). `origin`: the id of the first event of the log it comes from (the relay's; AppliedWatermarks).
 */
export function toMessage(event: RecordedEvent, origin?: string): EventMessage {
  const headers: Record<string, string> = {
    [EventHeaders.eventId]: event.eventId,
    [EventHeaders.eventType]: event.type,
    [EventHeaders.schemaVersion]: String(event.schemaVersion),
    [EventHeaders.streamId]: event.streamId,
    [EventHeaders.streamRevision]: String(event.revision),
    [EventHeaders.position]: String(event.position),
    [EventHeaders.correlationId]: event.metadata.correlationId,
    [EventHeaders.recordedAt]: event.recordedAt,
  };
  if (event.metadata.causationId) headers[EventHeaders.causationId] = event.metadata.causationId;
  if (origin !== undefined) headers[EventHeaders.logOrigin] = origin;
  return { key: event.streamId, value: JSON.stringify(event), headers };
}

/** Kafka headers arrive as Buffers (or arrays of them when repeated); we use the first value as text. */
export function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined && value !== null) out[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return out;
}
