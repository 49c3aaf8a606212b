import { API_PREFIX, AuditableLog } from '@register/service-kit';
import { RecordedEvent } from '@register/event-sourcing';
import { ServiceClient } from './service-client';
import { ServiceName } from './service-routes';

/**
 * A service's log read through its own internal endpoint (InternalLogController), as the gateway
 * (an auditor) on behalf of the auditor it has authorised: the distributed gateway opens no
 * service's database.
 */
export class HttpAuditableLog implements AuditableLog {
  private readonly base: string;

  constructor(
    private readonly services: ServiceClient,
    private readonly service: ServiceName,
  ) {
    this.base = `/${API_PREFIX}/internal/logs/${service}`;
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
    const answer = await this.services.read<T>(this.service, url);
    if (answer === undefined) throw new Error(`${this.service} keeps no log for auditors`);
    return answer;
  }
}
