/** A plain object (not an array, a Date, a Buffer or null), of Object's prototype or none. */
function isPlain(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * JSON with every object's keys in sorted order (arrays keep theirs; a Date as `{ $date }`): two
 * values that differ only in the order of their fields give one text (read-model diffs, the
 * fingerprint of a request retried with its Idempotency-Key).
 */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v instanceof Date) return { $date: v.toISOString() };
  if (!isPlain(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}
