import { Injectable } from '@nestjs/common';
import { beforeDeadline } from '@register/messaging';
import { API_PREFIX } from '@register/service-kit';
import { ServiceClient } from './service-client';
import { ServiceName } from './service-routes';

const SERVICES: ServiceName[] = ['organisation', 'personnel', 'training', 'evaluation'];
/** Between two looks at a relay still short of the position. */
const POLL_MS = 20;

/** A read's plain `minPosition` (a whole number), or undefined. */
export function plainMinPosition(url: string): number | undefined {
  const query = url.indexOf('?');
  const value = query < 0 ? null : new URLSearchParams(url.slice(query + 1)).get('minPosition');
  return value !== null && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/**
 * Before a read with `minPosition=N` goes to its service: each other service whose log holds N has
 * published it to Kafka, so that the reading service's consumers can have it (they wait for what
 * their topics hold, UpstreamLogs). Positions do not say which log they are of, so every log that
 * holds N is waited for: an event already appended is published within moments (docs/openapi.md).
 * A service that does not answer, or a relay still short at the deadline, lets the read go on.
 */
@Injectable()
export class PublishedThrough {
  constructor(private readonly services: ServiceClient) {}

  async wait(position: number, reader: ServiceName, deadline: number): Promise<void> {
    await Promise.all(SERVICES.filter((s) => s !== reader).map((s) => this.waitFor(s, position, deadline)));
  }

  private async waitFor(service: ServiceName, position: number, deadline: number): Promise<void> {
    for (;;) {
      const head = await beforeDeadline(this.head(service), deadline);
      if (!head || head.headPosition < position || head.publishedUpTo === undefined || head.publishedUpTo >= position) return;
      if (Date.now() + POLL_MS > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async head(service: ServiceName): Promise<{ headPosition: number; publishedUpTo?: number } | undefined> {
    try {
      const answer = await this.services.call(service, 'GET', `/${API_PREFIX}/internal/logs/${service}/head`, undefined, { accept: 'application/json' });
      return answer.status === 200 ? (JSON.parse(answer.body.toString('utf8')) as { headPosition: number; publishedUpTo?: number }) : undefined;
    } catch {
      return undefined;
    }
  }
}
