import { Body, Controller, ForbiddenException, Get, HttpCode, NotFoundException, Param, Post, Query, Req } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { EventStore, ReadAllOptions, RecordedEvent } from '@register/event-sourcing';
import { Actor, RegisterRequest } from './command-context';
import { ValidationFailed } from './problem-details';
import { UpstreamLogs } from './upstream-logs';

/** Who reads a log for auditors, through which audit endpoint, and why (the raw `X-Purpose` header). */
export interface LogReader {
  actor: Actor;
  endpoint: string;
  purpose?: string;
}

/** Of an event shown to an auditor, what says whose it is: its stream and its data's `memberId`. */
export interface ShownEvent {
  streamId: string;
  data: unknown;
}

/**
 * What auditors read of a log: pages of it in position order, one stream, its head. A log that
 * holds personal data gives, for a reader, a view of itself whose `shown` logs the events the
 * audit API answered that reader with (personnel's: in each member's personal-data read log);
 * a log without any has no `readFor`.
 */
export type AuditableLog = Pick<EventStore, 'readAll' | 'readStream' | 'headPosition'> & {
  /** The log in this process: followed as its own subscribers follow it (woken by its appends, sharing their reads of the tail). */
  subscribe?: EventStore['subscribe'];
  readFor?(reader: LogReader): AuditableLog;
  shown?(events: ShownEvent[]): Promise<void>;
  /**
   * The other streams of this log that hold changes to the entity of `streamId` which that stream's
   * own events do not name (a member's posts in the branches they were sent to lead); absent: none.
   */
  relatedStreams?(streamId: string): Promise<string[]>;
};

/** The log as this reader is to read it. */
export const logFor = (log: AuditableLog, reader: LogReader): AuditableLog => log.readFor?.(reader) ?? log;

/** The audit endpoints whose answers are logged, as templates (members' reads log theirs so). */
export const AUDIT_ENDPOINTS = ['GET /audit/events', 'GET /audit/entities/{type}/{id}/history'];

/**
 * The token under which a service's module provides its log as auditors read it (personnel's
 * with members' free text opened and their personal data still sealed). A port, not an import:
 * the gateway finds it in the same process (embedded), or reads it through the service's own
 * internal endpoint below (distributed); it never opens another service's database.
 */
export const auditableLogToken = (service: string): symbol => Symbol.for(`union-register.auditable-log.${service}`);

/** The service's log for auditors when that service runs in this process. */
export function auditableLogIn(modules: ModuleRef, service: string): AuditableLog | undefined {
  try {
    return modules.get<AuditableLog>(auditableLogToken(service), { strict: false });
  } catch {
    return undefined;
  }
}

const SERVICE = /^[a-z][a-z-]{0,39}$/;
const STREAM = /^[A-Za-z0-9][A-Za-z0-9_.:~-]{0,199}$/;
const PAGE_MAX = 1000;
/** An event type as the services name them, and how many one read may ask for. */
const EVENT_TYPE = /^[A-Z][A-Za-z0-9]{0,79}$/;
const TYPES_MAX = 100;

/** `types`: event types, comma-separated (ReadAllOptions); absent, every type. 400 on anything else. */
export function typesQuery(value: string | undefined): ReadAllOptions | undefined {
  if (value === undefined) return undefined;
  const types = value === '' ? [] : value.split(',');
  if (types.length > TYPES_MAX || !types.every((t) => EVENT_TYPE.test(t))) {
    throw new ValidationFailed([{ field: 'types', rule: 'event-types', message: `types must be at most ${TYPES_MAX} event type names (A-Z, then letters and digits), comma-separated` }]);
  }
  return { types };
}
const READERS = new Set(['auditor', 'central-admin']);

function wholeNumber(field: string, value: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d{1,16}$/.test(value) || n > max) throw new ValidationFailed([{ field, rule: 'whole-number', message: `${field} must be a whole number from 0 to ${max}` }]);
  return n;
}

/**
 * A distributed service's log, read by the gateway's audit API on behalf of an auditor (the
 * caller in the gateway's signed header; InternalCallerGuard has checked it). The gateway's
 * forwarding route serves no `internal` path, so no caller's request is forwarded here.
 */
@ApiExcludeController()
@Controller('internal/logs/:service')
export class InternalLogController {
  constructor(private readonly modules: ModuleRef) {}

  @Get('events')
  async events(
    @Param('service') service: string,
    @Query('after') after: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('types') types: string | undefined,
    @Req() request: RegisterRequest,
  ): Promise<RecordedEvent[]> {
    // `types`: the gateway's reporting projections read only what they handle (the service may still send every event).
    return this.logOf(service, request).readAll(wholeNumber('after', after, 0), wholeNumber('limit', limit, 500, PAGE_MAX) || 1, typesQuery(types));
  }

  @Get('streams/:streamId')
  async stream(@Param('service') service: string, @Param('streamId') streamId: string, @Req() request: RegisterRequest): Promise<RecordedEvent[]> {
    if (!STREAM.test(streamId)) throw new ValidationFailed([{ field: 'streamId', rule: 'stream-id', message: 'streamId must be a stream id' }]);
    return this.logOf(service, request).readStream(streamId);
  }

  /** The streams beside this one that hold changes to its entity (AuditableLog.relatedStreams). */
  @Get('streams/:streamId/related')
  async related(@Param('service') service: string, @Param('streamId') streamId: string, @Req() request: RegisterRequest): Promise<string[]> {
    if (!STREAM.test(streamId)) throw new ValidationFailed([{ field: 'streamId', rule: 'stream-id', message: 'streamId must be a stream id' }]);
    return (await this.logOf(service, request).relatedStreams?.(streamId)) ?? [];
  }

  /** The log's head, and how far its relay has published it (the gateway waits for that before a read with minPosition elsewhere). */
  @Get('head')
  async head(@Param('service') service: string, @Req() request: RegisterRequest): Promise<{ headPosition: number; publishedUpTo?: number }> {
    const headPosition = await this.logOf(service, request).headPosition();
    return { headPosition, publishedUpTo: this.upstream()?.publishedUpTo(service) };
  }

  private upstream(): UpstreamLogs | undefined {
    try {
      return this.modules.get(UpstreamLogs, { strict: false });
    } catch {
      return undefined;
    }
  }

  /**
   * What the gateway's audit API answered the auditor with (the caller, and their `X-Purpose`),
   * through which endpoint: the service logs it if it keeps a read log (HttpAuditableLog.shown).
   */
  @Post('shown')
  @HttpCode(204)
  async shown(@Param('service') service: string, @Body() body: { endpoint?: unknown; events?: unknown }, @Req() request: RegisterRequest): Promise<void> {
    if (typeof body?.endpoint !== 'string' || !AUDIT_ENDPOINTS.includes(body.endpoint)) throw new ValidationFailed([{ field: 'endpoint', rule: 'enum', message: `endpoint must be one of ${AUDIT_ENDPOINTS.join(', ')}` }]);
    const events = Array.isArray(body.events) ? body.events.filter((e): e is ShownEvent => typeof e?.streamId === 'string') : [];
    await this.logOf(service, request, body.endpoint).shown?.(events);
  }

  /**
   * The log as the calling auditor reads it, with their `X-Purpose`: a log that keeps a read log
   * refuses a purpose it would not log (400) before it hands over any event.
   */
  private logOf(service: string, request: RegisterRequest, endpoint = ''): AuditableLog {
    const actor = request.actor;
    if (!actor?.roles.some((r) => READERS.has(r))) throw new ForbiddenException('the log is read by auditors, through the gateway');
    const log = SERVICE.test(service) ? auditableLogIn(this.modules, service) : undefined;
    if (!log) throw new NotFoundException(`this service keeps no log named ${service.slice(0, 40)}`);
    const purpose = request.headers['x-purpose'];
    return logFor(log, { actor, endpoint, purpose: Array.isArray(purpose) ? purpose.join(', ') : purpose });
  }
}
