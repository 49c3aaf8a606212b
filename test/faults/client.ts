import { setTimeout as sleep } from 'node:timers/promises';

/** One answer the register gave (or the network's failure to give one). */
export interface Answer {
  op: string;
  method: string;
  path: string;
  key?: string;
  /** 0: no answer (connection refused or reset, timeout). */
  status: number;
  problem: boolean;
  at: number;
  /** The fault under way when the answer came, if any. */
  fault?: string;
  /** A refusal's rule or title, for the record. */
  why?: string;
}

/** A command the register acknowledged with 2xx, with the Idempotency-Key it carried. */
export interface Acknowledged {
  op: string;
  path: string;
  key: string;
  status: number;
  body: Record<string, unknown>;
  /** The fault under way when it was sent or answered, if any. */
  fault?: string;
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** 502/503 (a service or the gateway's upstream away), 504 (a service that stopped answering), or no answer at all: the same command is sent again. */
const RETRIED = new Set([0, 502, 503, 504]);
/** The answers a fault may give, as problem+json. */
export const FAULT_STATUSES = new Set([502, 503, 504]);
const PROBLEM_JSON = 'application/problem+json';

/**
 * The workload's HTTP client: every POST carries a unique Idempotency-Key and is sent again with the
 * same key while the register answers 502/503/504 or not at all (for at most `retryForMs`). Every
 * answer and every acknowledged command is recorded.
 */
export class RegisterClient {
  readonly answers: Answer[] = [];
  readonly acknowledged: Acknowledged[] = [];
  /** Every key sent, answered or not: an event may follow from a command whose answer was lost. */
  readonly sentKeys = new Set<string>();
  fault?: string;
  private next = 0;

  constructor(
    private readonly base: string,
    private readonly runId: string,
    private readonly retryForMs = 90_000,
  ) {}

  async post(op: string, path: string, body: unknown, authorization: string): Promise<Reply> {
    const key = `${this.runId}.${++this.next}`;
    this.sentKeys.add(key);
    const fault = this.fault;
    const reply = await this.send(op, 'POST', path, authorization, key, body);
    if (reply.status >= 200 && reply.status < 300) this.acknowledged.push({ op, path, key, status: reply.status, body: reply.body, fault: fault ?? this.fault });
    return reply;
  }

  async get(op: string, path: string, authorization: string): Promise<Reply> {
    return this.send(op, 'GET', path, authorization);
  }

  private async send(op: string, method: string, path: string, authorization: string, key?: string, body?: unknown): Promise<Reply> {
    const deadline = Date.now() + this.retryForMs;
    for (let attempt = 0; ; attempt++) {
      const reply = await this.once(op, method, path, authorization, key, body);
      if (!RETRIED.has(reply.status) || Date.now() > deadline) return reply;
      await sleep(Math.min(2000, 200 * 2 ** attempt));
    }
  }

  private async once(op: string, method: string, path: string, authorization: string, key?: string, body?: unknown): Promise<Reply> {
    const headers: Record<string, string> = { authorization };
    if (key) headers['idempotency-key'] = key;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const fault = this.fault;
    try {
      const r = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(35_000) });
      const text = await r.text();
      const problem = (r.headers.get('content-type') ?? '').startsWith(PROBLEM_JSON);
      const parsed = parse(text);
      this.answers.push({ op, method, path, key, status: r.status, problem, at: Date.now(), fault: fault ?? this.fault, ...(r.ok ? {} : { why: refusal(parsed) }) });
      return { status: r.status, body: parsed };
    } catch {
      this.answers.push({ op, method, path, key, status: 0, problem: false, at: Date.now(), fault: fault ?? this.fault });
      return { status: 0, body: {} };
    }
  }
}

function refusal(body: Record<string, unknown>): string {
  const errors = Array.isArray(body.errors) ? (body.errors as Array<{ field?: string; rule?: string }>).map((e) => `${e.field}:${e.rule}`).join(',') : '';
  return [body.rule, body.title, errors].filter(Boolean).join(' ');
}

function parse(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Answers that break the rule for faults: any 5xx but 502/503/504, or one of those that is not problem+json. */
export function badAnswers(answers: readonly Answer[]): Answer[] {
  return answers.filter((a) => a.status >= 500 && (!FAULT_STATUSES.has(a.status) || !a.problem));
}
