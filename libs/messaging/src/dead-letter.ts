import { DeadLetterHeaders } from './topics';

export interface DeadLetterInfo {
  error: string;
  attempts: number;
  group: string;
  topic: string;
  partition: number;
  offset: string;
}

type Headers = Record<string, unknown>;

/** The original headers, untouched, plus what an operator needs to judge and replay the letter. */
export function deadLetterMessageHeaders(original: Headers, info: DeadLetterInfo): Record<string, string | Buffer> {
  const headers: Record<string, string | Buffer> = {};
  for (const [name, value] of Object.entries(original)) {
    if (value === undefined || value === null) continue;
    headers[name] = Buffer.isBuffer(value) ? value : Array.isArray(value) ? String(value[0]) : String(value);
  }
  headers[DeadLetterHeaders.error] = info.error.slice(0, 4_000);
  headers[DeadLetterHeaders.attempts] = String(info.attempts);
  headers[DeadLetterHeaders.group] = info.group;
  headers[DeadLetterHeaders.topic] = info.topic;
  headers[DeadLetterHeaders.partition] = String(info.partition);
  headers[DeadLetterHeaders.offset] = info.offset;
  headers[DeadLetterHeaders.failedAt] = new Date().toISOString();
  return headers;
}

/** The original headers of a dead letter, its dlq-* headers taken off: what a replay sends again. */
export function originalHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('dlq-')));
}
