import { Principal } from '@register/auth';
import { API_PREFIX, AuditableLog, FieldError, LogReader, ValidationFailed } from '@register/service-kit';
import { RecordedEvent } from '@register/event-sourcing';
import { ServiceClient } from './service-client';
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

  readAll(after: number, limit: number): Promise<RecordedEvent[]> {
    return this.get<RecordedEvent[]>(`${this.base}/events?after=${after}&limit=${limit}`);
  }

  readStream(streamId: string): Promise<RecordedEvent[]> {
    return this.get<RecordedEvent[]>(`${this.base}/streams/${encodeURIComponent(streamId)}`);
  }

  async headPosition(): Promise<number> {
    return (await this.get<{ headPosition: number }>(`${this.base}/head`)).headPosition;
  }

  private async get<T>(url: string): Promise<T> {
    const purpose = this.reader?.purpose;
    const answer = await this.services.call(this.service, 'GET', url, this.reader?.actor as Principal | undefined, { accept: 'application/json', ...(purpose === undefined ? {} : { 'x-purpose': purpose }) });
    if (answer.status === 404) throw new Error(`${this.service} keeps no log for auditors`);
    // The auditor's own input refused by the service (X-Purpose): their 400, with its field errors.
    if (answer.status === 400) throw new ValidationFailed((JSON.parse(answer.body.toString('utf8')) as { errors?: FieldError[] }).errors ?? []);
    if (answer.status !== 200) throw new Error(`${this.service} answered ${answer.status} to GET ${url}`);
    return JSON.parse(answer.body.toString('utf8')) as T;
  }
}
