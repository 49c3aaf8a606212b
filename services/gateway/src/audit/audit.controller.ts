import { Controller, Get, Param, Query, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { NotFoundError, RecordedEvent } from '@register/event-sourcing';
import { AuditableLog, csvAnswer, listAnswer, logFor, LogReader, ProblemResponses, ReadModelQuery, RegisterRequest, ShownEvent, ValidationFailed, wantsCsv } from '@register/service-kit';
import { AuditEventsQuery, EntityParams } from './audit.dto';
import { AuditLogs, auditView } from './audit-log';
import { AUDITED_ENTITY_TYPES, historyOf, officerStreamsOf, streamsOf } from './entity-references';

const BATCH = 500;
/** A page scans at most this many events per log; a sparse filter answers with a cursor to go on from. */
const SCAN_LIMIT = 50_000;

type AuditItem = ReturnType<typeof auditView>;
type Reply = { header(name: string, value: string): unknown };

/** The audit events as CSV (Accept: text/csv): the event's data as JSON in one column. */
const AUDIT_CSV_COLUMNS = ['service', 'position', 'recordedAt', 'type', 'streamId', 'revision', 'actor', 'onBehalfOf', 'reason', 'decision', 'effectiveDate', 'correlationId', 'causationId', 'eventId', 'data'];
interface Scan {
  service: string;
  items: AuditItem[];
  /** The last position read: where the log goes on from once every item found is answered. */
  end: number;
  start: number;
  exhausted: boolean;
}

/** `organisation:12,personnel:4` ⇄ positions per log. */
const parseCursor = (cursor?: string) => new Map((cursor ? cursor.split(',') : []).map((p) => [p.split(':')[0], Number(p.split(':')[1])]));

/** The logs for auditors (and central administrators): filtered, paged by position; and one entity's history. */
@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly logs: AuditLogs) {}

  @Get('events')
  @ProblemResponses(503)
  @ApiOperation({ summary: "Every service's log (organisation, personnel, training, evaluation): filter by service, streamId, type, actor, onBehalfOf (the reactions a person's change caused, such as a merger's member moves), recorded time (from, to), afterPosition; paged by a cursor of positions, oldest recorded first" })
  async events(@Query() q: AuditEventsQuery, @Req() request: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const reader = readerOf(request, 'GET /audit/events');
    const named = (await this.logs.all()).filter(([service]) => !q.service || service === q.service).map(([service, log]) => [service, logFor(log, reader)] as [string, AuditableLog]);
    const { logs, unavailable } = await reachable(named);
    if (logs.length === 0) throw new ServiceUnavailableException(`no event log${q.service ? ` of ${q.service}` : ''} is reachable from this gateway`);
    // a log that could not be read is named, never passed over in silence (its events come once it answers: the cursor holds no position of it)
    if (unavailable.length > 0) reply.header('unavailable-logs', unavailable.join(','));
    if (wantsCsv(request.headers.accept)) return listAnswer({ accept: request.headers.accept, limit: q.limit, cursor: q.cursor }, reply, (limit, cursor) => this.page(logs, q, limit, cursor), AUDIT_CSV_COLUMNS);
    const page = await this.page(logs, q, q.limit ?? 50, q.cursor);
    // the heads after the page: no item of it lies beyond them
    const heads = Object.fromEntries(await Promise.all(logs.map(async ([service, store]) => [service, await store.headPosition()] as const)));
    return { ...page, headPositions: heads, ...(logs.length === 1 ? { headPosition: heads[logs[0][0]] } : {}), ...(unavailable.length ? { unavailableLogs: unavailable } : {}) };
  }

  /** One page of the merged logs after `cursorText`, oldest recorded first, each shown event told to its log. */
  private async page(logs: Array<[string, AuditableLog]>, q: AuditEventsQuery, limit: number, cursorText: string | undefined) {
    const cursor = parseCursor(cursorText);
    const scans = await Promise.all(logs.map(([service, store]) => scan(service, store, Math.max(q.afterPosition ?? 0, cursor.get(service) ?? 0), limit, matcher(q))));
    const taken = mergeByRecordedTime(scans, limit);
    const items = taken.flatMap((t) => t.item);
    await Promise.all(logs.map(([, log], i) => log.shown?.(taken.filter((t) => t.from === i).map((t) => t.item))));
    const next = scans.map((s, i) => {
      const count = taken.filter((t) => t.from === i).length;
      const all = count === s.items.length;
      return { service: s.service, at: all ? s.end : count > 0 ? s.items[count - 1].position : s.start, done: all && s.exhausted };
    });
    const nextCursor = next.every((n) => n.done) ? null : next.map((n) => `${n.service}:${n.at}`).join(',');
    return { items, nextCursor };
  }

  @Get('entities/:type/:id/history')
  @ApiParam({ name: 'type', enum: AUDITED_ENTITY_TYPES })
  @ApiParam({ name: 'id', description: 'The entity\'s id: a unit\'s, branch\'s, member\'s (personnel), course\'s, competition\'s, mentor assignment\'s (training), rating\'s, commendation\'s or support visit\'s (evaluation)' })
  @ProblemResponses(503)
  @ApiOperation({
    summary:
      'Every change to one unit, branch (its structure and its officers), member (and the posts they held), course, competition, mentor assignment, rating, commendation or support visit, oldest first, with actor, reason, decision, effective and recorded times',
  })
  async history(@Param() params: EntityParams, @Query() _query: ReadModelQuery, @Req() request: RegisterRequest, @Res({ passthrough: true }) reply: Reply) {
    const reader = readerOf(request, 'GET /audit/entities/{type}/{id}/history');
    const entity = { type: params.type, id: params.id };
    const changes: AuditItem[] = [];
    // What each log showed, told to it once for the whole answer: a member's own stream and their
    // branches' officers streams name them in one read, logged once (two entries before).
    const shown = new Map<string, { view: AuditableLog; events: ShownEvent[] }>();
    const read = async (service: string, streamId: string) => {
      const told = shown.get(service) ?? { view: logFor((await this.logs.of(service))!, reader), events: [] };
      shown.set(service, told);
      const ofEntity = historyOf(entity);
      const events = (await told.view.readStream(streamId)).filter((e) => ofEntity({ service, ...e }));
      told.events.push(...events);
      changes.push(...events.map((e) => auditView(service, e)));
      return events;
    };
    for (const { service, streamId, own } of streamsOf(entity)) {
      const log = await this.logs.of(service);
      // A branch's officers are optional (personnel may not run here); the rest is required.
      if (!log && own && entity.type === 'branch') continue;
      if (!log) throw new ServiceUnavailableException(`the ${service} log is not reachable from this gateway`);
      const events = await read(service, streamId);
      if (entity.type !== 'member') continue;
      // A member's posts: the officers' streams of the branches their own events name, and of those the log relates to them (sent to lead).
      const related = (await logFor(log, reader).relatedStreams?.(streamId)) ?? [];
      for (const officers of new Set([...officerStreamsOf(events), ...related])) await read(service, officers);
    }
    if (changes.length === 0) throw new NotFoundError(params.type, params.id);
    await Promise.all([...shown.values()].map(({ view, events }) => view.shown?.(events)));
    changes.sort((a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.service.localeCompare(b.service) || a.position - b.position);
    // as CSV, the events' columns: an auditor's sheet of one entity reads like the log's
    return wantsCsv(request.headers.accept) ? csvAnswer(reply, AUDIT_CSV_COLUMNS, changes) : { type: params.type, id: params.id, changes };
  }
}

/**
 * The logs that answer now, and the names of those that do not: a service not
 * running (a distributed register without training, say) leaves the other logs readable.
 */
async function reachable(logs: Array<[string, AuditableLog]>) {
  // A log that refuses the request itself (a 4xx: an X-Purpose too long, say) answers: the refusal is the caller's to see.
  const answered = (error: unknown) => {
    const status = (error as { getStatus?: () => number }).getStatus?.();
    if (error instanceof ValidationFailed || (status !== undefined && status < 500)) throw error;
    return false;
  };
  const probed = await Promise.all(logs.map(async ([service, log]) => ({ service, log, answers: await log.headPosition().then(() => true, answered) })));
  return {
    logs: probed.filter((p) => p.answers).map((p) => [p.service, p.log] as [string, AuditableLog]),
    unavailable: probed.filter((p) => !p.answers).map((p) => p.service),
  };
}

/**
 * Who reads, for a log that records reads of personal data (personnel's): the caller GatewayAccess
 * authenticated, the endpoint's template (as members' reads are logged) and `X-Purpose` as sent.
 */
function readerOf(request: RegisterRequest, endpoint: string): LogReader {
  const purpose = request.headers['x-purpose'];
  return { actor: request.actor ?? { id: 'anonymous', roles: [] }, endpoint, purpose: Array.isArray(purpose) ? purpose.join(', ') : purpose };
}

/**
 * Logs merge by recording time; positions alone order events within one log. Each log's items are
 * taken as a prefix, in position order, so that its cursor never passes an item not yet answered.
 */
function mergeByRecordedTime(scans: Scan[], limit: number): Array<{ item: AuditItem; from: number }> {
  const heads = scans.map(() => 0);
  const out: Array<{ item: AuditItem; from: number }> = [];
  while (out.length < limit) {
    let best = -1;
    scans.forEach((s, i) => {
      const candidate = s.items[heads[i]];
      if (candidate && (best < 0 || candidate.recordedAt < scans[best].items[heads[best]].recordedAt)) best = i;
    });
    if (best < 0) break;
    out.push({ item: scans[best].items[heads[best]++], from: best });
  }
  return out;
}

function matcher(q: AuditEventsQuery) {
  const from = q.from ? Date.parse(q.from) : undefined;
  const to = q.to ? Date.parse(q.to) : undefined;
  return (e: RecordedEvent) => {
    if (q.streamId !== undefined && e.streamId !== q.streamId) return false;
    if (q.type !== undefined && e.type !== q.type) return false;
    if (q.actor !== undefined && e.metadata.actor !== q.actor) return false;
    if (q.onBehalfOf !== undefined && e.metadata.onBehalfOf !== q.onBehalfOf) return false;
    const at = Date.parse(e.recordedAt);
    if (from !== undefined && at < from) return false;
    if (to !== undefined && at >= to) return false;
    return true;
  };
}

/** Up to `limit` matching events of one log after `start`, reading at most SCAN_LIMIT. */
async function scan(service: string, store: AuditableLog, start: number, limit: number, matches: (e: RecordedEvent) => boolean): Promise<Scan> {
  const items: AuditItem[] = [];
  let end = start;
  let scanned = 0;
  while (items.length < limit && scanned < SCAN_LIMIT) {
    const batch = await store.readAll(end, BATCH);
    for (const e of batch) {
      end = e.position;
      scanned++;
      if (matches(e)) items.push(auditView(service, e));
      if (items.length >= limit) break;
    }
    if (batch.length < BATCH && items.length < limit) return { service, items, end, start, exhausted: true };
  }
  return { service, items, end, start, exhausted: false };
}
