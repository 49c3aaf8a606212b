/**
 * Counts the SQL statements the embedded start sends to PGlite, by kind and by schema (PGlite's
 * `query` wrapped), to see what one command costs on its single thread.
 */
import { PGlite } from '@electric-sql/pglite';

export type StatementKind = 'readAll' | 'readStream' | 'append' | 'head' | 'command' | 'key' | 'other';

const KINDS: [StatementKind, RegExp][] = [
  ['readAll', /from (\w+)\.events where position > /],
  ['readStream', /from (\w+)\.events\s+where stream_id = /],
  ['append', /(\w+)\.record_(?:events|streams)\(/],
  ['head', /max\(position\) as head from (\w+)\.events/],
  ['command', /from (\w+)\.commands where/],
  ['key', /(\w+)\.personal_data_keys/],
];

export class StatementCount {
  private counts = new Map<string, number>();
  private restore?: () => void;

  /** Starts counting every PGlite query of this process. */
  install(): this {
    const proto = PGlite.prototype as unknown as { query: (sql: string, params?: unknown[]) => Promise<unknown> };
    const original = proto.query;
    const count = this.counts;
    proto.query = function (this: unknown, sql: string, params?: unknown[]) {
      const key = classify(sql);
      count.set(key, (count.get(key) ?? 0) + 1);
      return original.call(this, sql, params);
    };
    this.restore = () => (proto.query = original);
    return this;
  }

  uninstall(): void {
    this.restore?.();
  }

  reset(): void {
    this.counts.clear();
  }

  /** Statements of a kind (`readAll`) or of a kind on one log (`readAll:training`). */
  of(kind: StatementKind, schema?: string): number {
    let n = 0;
    for (const [key, value] of this.counts) if (key === `${kind}:${schema}` || (!schema && key.startsWith(`${kind}:`))) n += value;
    return n;
  }

  total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort());
  }
}

function classify(sql: string): string {
  for (const [kind, pattern] of KINDS) {
    const match = pattern.exec(sql);
    if (match) return `${kind}:${match[1]}`;
  }
  return `other:${sql.replace(/\s+/g, ' ').slice(0, 60)}`;
}
