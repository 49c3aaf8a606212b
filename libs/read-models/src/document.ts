import { canonicalJson } from '@register/event-sourcing';

/** A read-model document. `_id` is the natural key (a string); `_pos` is the runner's bookkeeping. */
export type Doc = Record<string, unknown>;

/** The global-log position of the last event applied to a document: the idempotency guard. */
export const POS = '_pos';

const segmentCache = new Map<string, string[]>();

/** `a.b.c` → ['a','b','c'], cached: projections reuse a handful of paths millions of times. */
export function segments(path: string): string[] {
  let s = segmentCache.get(path);
  if (!s) {
    s = path.split('.');
    if (segmentCache.size < 10_000) segmentCache.set(path, s);
  }
  return s;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A deep copy of JSON-like values (and Dates), so that a stored document never shares state with a handler's. */
export function cloneValue<T>(v: T): T {
  return typeof v === 'object' && v !== null ? (cloneObject(v) as T) : v;
}

/**
 * cloneValue of an object: plain loops that copy primitives inline (no call per array item: a
 * document's arrays of names or ids are copied on every handler read, and grow with the history).
 */
function cloneObject(v: object): unknown {
  if (Array.isArray(v)) {
    const n = v.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const x: unknown = v[i];
      out[i] = typeof x === 'object' && x !== null ? cloneObject(x) : x;
    }
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v instanceof Date ? new Date(v.getTime()) : v; // BSON values (ObjectId, Decimal128...) are immutable
  const out: Record<string, unknown> = {};
  for (const k in v) {
    const x: unknown = (v as Record<string, unknown>)[k];
    out[k] = typeof x === 'object' && x !== null ? cloneObject(x) : x;
  }
  return out;
}

/** MongoDB equality: deep, and field order counts for embedded documents (as in $addToSet). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameValue(a[k], b[k]));
  }
  return false;
}

/** Equality for diffs: like sameValue but field order does not count (stores may order fields differently). */
export const canonical = (v: unknown): string => canonicalJson(v);

/** The order MongoDB sorts string `_id`s in (binary UTF-8), which JavaScript's `<` does not follow for every character. */
export function compareIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** BSON comparison order for $min/$max: numbers < strings < objects < arrays < booleans < dates. */
export function compareValues(a: unknown, b: unknown): number {
  const ta = typeRank(a);
  const tb = typeRank(b);
  if (ta !== tb) return ta - tb;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' || typeof a === 'string' || typeof a === 'boolean') return a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0;
  return canonical(a) < canonical(b) ? -1 : canonical(a) > canonical(b) ? 1 : 0;
}

function typeRank(v: unknown): number {
  if (v === null || v === undefined) return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 5;
  if (typeof v === 'boolean') return 8;
  if (v instanceof Date) return 9;
  return 4;
}
