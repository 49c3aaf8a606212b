import { Controller, Get, Param, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { STRUCTURE_STREAM } from '@register/contracts';
import { NotFoundError, RecordedEvent } from '@register/event-sourcing';
import { AuditEventsQuery, EntityParams } from './audit.dto';
import { AuditLogs, auditView } from './audit-log';

const BATCH = 500;
/** A page scans at most this many events; a sparse filter answers with a cursor to go on from. */
const SCAN_LIMIT = 50_000;

/** The log for auditors (and central administrators): filtered, paged by position; and one entity's history. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly logs: AuditLogs) {}

  @Get('events')
  @ApiOperation({ summary: 'The log: filter by streamId, type, actor, recorded time (from, to), afterPosition; paged by position' })
  async events(@Query() q: AuditEventsQuery) {
    const store = this.logs.organisation();
    if (!store) throw new ServiceUnavailableException('no event log is reachable from this gateway');
    const limit = q.limit ?? 50;
    const from = q.from ? Date.parse(q.from) : undefined;
    const to = q.to ? Date.parse(q.to) : undefined;
    const matches = (e: RecordedEvent) => {
      if (q.streamId !== undefined && e.streamId !== q.streamId) return false;
      if (q.type !== undefined && e.type !== q.type) return false;
      if (q.actor !== undefined && e.metadata.actor !== q.actor) return false;
      const at = Date.parse(e.recordedAt);
      if (from !== undefined && at < from) return false;
      if (to !== undefined && at >= to) return false;
      return true;
    };
    let after = Math.max(q.afterPosition ?? 0, q.cursor ? Number(q.cursor) : 0);
    const items: ReturnType<typeof auditView>[] = [];
    let scanned = 0;
    let exhausted = false;
    while (items.length < limit && scanned < SCAN_LIMIT) {
      const batch = await store.readAll(after, BATCH);
      if (batch.length === 0) {
        exhausted = true;
        break;
      }
      for (const e of batch) {
        after = e.position;
        scanned++;
        if (matches(e)) items.push(auditView('organisation', e));
        if (items.length >= limit) break;
      }
      if (batch.length < BATCH && items.length < limit) {
        exhausted = true;
        break;
      }
    }
    return { items, nextCursor: exhausted ? null : String(after), headPosition: await store.headPosition() };
  }

  @Get('entities/:type/:id/history')
  @ApiOperation({ summary: 'Every change to one unit or branch, oldest first, with actor, reason, decision, effective and recorded times' })
  async history(@Param() params: EntityParams) {
    const store = this.logs.organisation();
    if (!store) throw new ServiceUnavailableException('no event log is reachable from this gateway');
    const key = params.type === 'unit' ? 'unitId' : 'branchId';
    const needle = JSON.stringify(params.id);
    const events = (await store.readStream(STRUCTURE_STREAM)).filter((e) => {
      const data = e.data as Record<string, unknown>;
      return data[key] === params.id || JSON.stringify(e.data).includes(needle);
    });
    if (events.length === 0) throw new NotFoundError(params.type, params.id);
    return { type: params.type, id: params.id, changes: events.map((e) => auditView('organisation', e)) };
  }
}
