import { createInterface } from 'node:readline';
import { ConflictError, RuleViolation } from '@register/event-sourcing';
import { API_PREFIX, CheckpointsPage, LogIntegrityPort } from '@register/service-kit';
import { LogVerdict } from '@register/verifiable-log';
import { ServiceClient } from './service-client';
import { ServiceName } from './service-routes';
import { Principal } from '@register/auth';

/**
 * A service's log integrity through its internal endpoint (InternalLogIntegrityController), as the
 * auditor who asked: the distributed gateway reads no service's database.
 */
export class HttpLogIntegrity implements LogIntegrityPort {
  private readonly base: string;

  constructor(
    private readonly services: ServiceClient,
    private readonly service: ServiceName,
    private readonly caller?: Principal,
  ) {
    this.base = `/${API_PREFIX}/internal/logs/${service}`;
  }

  as(caller: Principal): HttpLogIntegrity {
    return new HttpLogIntegrity(this.services, this.service, caller);
  }

  verify(trustedCheckpoint?: string): Promise<LogVerdict> {
    return this.json('POST', '/verification', JSON.stringify(trustedCheckpoint === undefined ? {} : { trustedCheckpoint }));
  }

  checkpoints(page: CheckpointsPage = {}) {
    const query = new URLSearchParams(Object.entries(page).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]));
    return this.json<Awaited<ReturnType<LogIntegrityPort['checkpoints']>>>('GET', `/checkpoints?${query}`);
  }

  async proof(position: number): Promise<unknown | undefined> {
    const answer = await this.services.call(this.service, 'GET', `${this.base}/proofs/${position}`, this.caller, { accept: 'application/json' });
    if (answer.status === 404) return undefined;
    if (answer.status === 409) {
      const problem = JSON.parse(answer.body.toString('utf8')) as { rule?: string; detail?: string };
      throw new ConflictError(problem.rule ?? 'log-damaged', problem.detail ?? `the ${this.service} log gives no proof that holds`);
    }
    return this.parse(answer.status, answer.body, 'proofs');
  }

  /**
   * The service's bundle, line by line as it arrives: a whole log's bundle is larger than one
   * string can be (a national log's is gigabytes), and the gateway holds a line at a time.
   */
  async *bundle(fromPosition?: number, toPosition?: number): AsyncIterable<string> {
    const query = new URLSearchParams();
    if (fromPosition !== undefined) query.set('fromPosition', String(fromPosition));
    if (toPosition !== undefined) query.set('toPosition', String(toPosition));
    if (!this.caller) throw new Error(`${this.service}: a bundle is read as its auditor`);
    const answer = await this.services.stream(this.service, `${this.base}/bundle?${query}`, this.caller, { accept: 'application/x-ndjson' });
    if (answer.status === 409) throw new ConflictError('log-damaged', `${this.service}: ${(await problemOf(answer.body)).detail}`);
    if (answer.status === 422) {
      const { rule, detail, ...named } = await problemOf(answer.body);
      throw new RuleViolation(rule ?? 'bundle-refused', detail, { field: named.field, head: named.head });
    }
    if (answer.status !== 200) {
      answer.body.resume();
      throw new Error(`${this.service}: the bundle answered ${answer.status}`);
    }
    try {
      for await (const line of createInterface({ input: answer.body, crlfDelay: Infinity })) if (line) yield line;
    } finally {
      answer.body.destroy(); // an auditor who stopped reading: the service's answer is not read to its end
    }
  }

  private async json<T>(method: string, path: string, body?: string): Promise<T> {
    const answer = await this.services.call(this.service, method, `${this.base}${path}`, this.caller, { accept: 'application/json', 'content-type': 'application/json' }, method === 'POST' ? (body ?? '{}') : undefined);
    return this.parse<T>(answer.status, answer.body, path);
  }

  private parse<T>(status: number, body: Buffer, what: string): T {
    if (status < 200 || status >= 300) throw new Error(`${this.service}: ${what} answered ${status}`);
    return JSON.parse(body.toString('utf8')) as T;
  }
}

/** A refusal's problem, as the service streamed it back (short: read whole). */
async function problemOf(body: NodeJS.ReadableStream): Promise<{ rule?: string; detail: string; field?: string; head?: number }> {
  let text = '';
  for await (const chunk of body) text += String(chunk);
  try {
    const problem = JSON.parse(text) as { rule?: string; detail?: unknown; field?: string; head?: number };
    return { ...problem, detail: String(problem.detail ?? 'the log gives no bundle that holds') };
  } catch {
    return { detail: 'the log gives no bundle that holds' };
  }
}
