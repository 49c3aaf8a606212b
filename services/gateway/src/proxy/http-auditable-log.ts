import { Principal } from '@register/auth';
import { API_PREFIX, AuditableLog, FieldError, LogReader, ShownEvent, ValidationFailed } from '@register/service-kit';
import { ReadAllOptions, RecordedEvent } from '@register/event-sourcing';
import { ServiceAnswer, ServiceClient } from './service-client';
import { ServiceName } from './service-routes';

/**
 * A service's log read through its own internal endpoint (InternalLogController): as the gateway
 * (an auditor), or, for a reader, as the auditor it has authorised with their `X-Purpose`, so that
 * the service logs who read its personal data. The distributed gateway opens no service's database.
 */
export class HttpAuditableLog implements AuditableLog {
  private readonly base: string;

  constructor(
    private readonly services: ServiceClient,
    private readonly service: ServiceName,
    private readonly reader?: LogReader,
  ) {
    this.base = `/${API_PREFIX}/internal/logs/${service}`;
  }

  /** The reader's actor is the Principal GatewayAccess left on the request (the audit controller passes it). */
  readFor(reader: LogReader): AuditableLog {
    return new HttpAuditableLog(this.services, this.service, reader);
  }

  readAll(after: number, limit: number, options?: ReadAllOptions): Promise<RecordedEvent[]> {
    const types = options?.types ? `&types=${options.types.map(encodeURIComponent).join(',')}` : '';
    return this.get<RecordedEvent[]>(`${this.base}/events?after=${after}&limit=${limit}${types}`);
  }

  readStream(streamId: string): Promise<RecordedEvent[]> {
    return this.get<RecordedEvent[]>(`${this.base}/streams/${encodeURIComponent(streamId)}`);
  }

  relatedStreams(streamId: string): Promise<string[]> {
    return this.get<string[]>(`${this.base}/streams/${encodeURIComponent(streamId)}/related`);
  }

  async headPosition(): Promise<number> {
    return (await this.get<{ headPosition: number }>(`${this.base}/head`)).headPosition;
  }

  /** Tells the service what its auditor was shown, as the auditor: only whose events they are is sent. */
  async shown(events: ShownEvent[]): Promise<void> {
    if (!this.reader || events.length === 0) return;
    const body = JSON.stringify({ endpoint: this.reader.endpoint, events: events.map((e) => ({ streamId: e.streamId, data: { memberId: (e.data as { memberId?: unknown } | null)?.memberId } })) });
    const answer = await this.services.call(this.service, 'POST', `${this.base}/shown`, this.reader.actor as Principal, { 'content-type': 'application/json', ...this.purposeHeader() }, body);
    expectOk(answer, `${this.service}: POST ${this.base}/shown`);
  }

  private purposeHeader(): Record<string, string> {
    const purpose = this.reader?.purpose;
    return purpose === undefined ? {} : { 'x-purpose': purpose };
  }

  private async get<T>(url: string): Promise<T> {
    const answer = await this.services.call(this.service, 'GET', url, this.reader?.actor as Principal | undefined, { accept: 'application/json', ...this.purposeHeader() });
    if (answer.status === 404) throw new Error(`${this.service} keeps no log for auditors`);
    expectOk(answer, `${this.service}: GET ${url}`);
    return JSON.parse(answer.body.toString('utf8')) as T;
  }
}

/** A 2xx goes on; the auditor's own input refused by the service (X-Purpose) is their 400, with its field errors. */
function expectOk(answer: ServiceAnswer, request: string): void {
  if (answer.status === 400) throw new ValidationFailed((JSON.parse(answer.body.toString('utf8')) as { errors?: FieldError[] }).errors ?? []);
  if (answer.status < 200 || answer.status >= 300) throw new Error(`${request} answered ${answer.status}`);
}
