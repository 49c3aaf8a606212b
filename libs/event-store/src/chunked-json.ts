/**
 * A value as JSON in parts of bounded size, and back: what `JSON.stringify` of the whole gives, for
 * values one string cannot hold. A view's snapshot grows with the members (a province's directory
 * is about 29 MB of JSON); nationally it passes PostgreSQL's 256 MB for one jsonb value and V8's
 * longest string (about 512 MB), and a save that fails leaves the next start to replay the log.
 *
 * The value is written as records, one JSON line each: `[path, kind, value]`. A large array, at the
 * top or inside objects up to MAX_DEPTH deep, becomes slices that are appended in order (kind
 * APPEND); the objects that hold it are opened (kind OBJECT) and their other fields set (kind SET).
 * Lines are grouped into parts of about `partBytes`. Reading applies the records in order, so Maps
 * rebuilt from the arrays keep their order. Values deeper or smaller are written whole.
 */
const SET = 0;
const APPEND = 1;
const OBJECT = 2;
type Kind = typeof SET | typeof APPEND | typeof OBJECT;
type JsonRecord = [path: string[], kind: Kind, value?: unknown];

/** Array elements in one record. */
const SLICE = 2000;
/** How deep objects are opened to find arrays worth slicing. */
const MAX_DEPTH = 3;
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

/** The value's JSON form, as `JSON.stringify` takes it: `toJSON` called (dates, our indexes). */
function jsonForm(value: unknown, key: string): unknown {
  const withToJson = value as { toJSON?: (key: string) => unknown } | null;
  return withToJson !== null && typeof withToJson === 'object' && typeof withToJson.toJSON === 'function' ? withToJson.toJSON(key) : value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function* records(value: unknown, path: string[], depth: number): Generator<JsonRecord> {
  if (Array.isArray(value) && value.length > SLICE) {
    for (let i = 0; i < value.length; i += SLICE) yield [path, APPEND, value.slice(i, i + SLICE)];
  } else if (isPlainObject(value) && depth < MAX_DEPTH) {
    yield [path, OBJECT];
    for (const [key, field] of Object.entries(value)) {
      const form = jsonForm(field, key);
      // JSON leaves out what it cannot write in an object: undefined, functions, symbols.
      if (form === undefined || typeof form === 'function' || typeof form === 'symbol') continue;
      yield* records(form, [...path, key], depth + 1);
    }
  } else {
    yield [path, SET, value];
  }
}

/** The value's parts, each at most about `partBytes` characters (a record larger than that is a part of its own). */
export function* jsonParts(value: unknown, partBytes = DEFAULT_PART_BYTES): Generator<string> {
  let lines: string[] = [];
  let size = 0;
  for (const record of records(jsonForm(value, ''), [], 0)) {
    const line = JSON.stringify(record);
    if (size > 0 && size + line.length > partBytes) {
      yield lines.join('\n');
      lines = [];
      size = 0;
    }
    lines.push(line);
    size += line.length + 1;
  }
  if (lines.length) yield lines.join('\n');
}

/** The value the parts were written from, as `JSON.parse(JSON.stringify(value))` gives it. */
export function fromJsonParts(parts: Iterable<string>): unknown {
  const root: { value?: unknown } = {};
  for (const part of parts) {
    for (const line of part.split('\n')) apply(root, JSON.parse(line) as JsonRecord);
  }
  return root.value;
}

function apply(root: { value?: unknown }, [path, kind, value]: JsonRecord): void {
  let holder = root as Record<string, unknown>;
  let key = 'value';
  for (const step of path) {
    holder = holder[key] as Record<string, unknown>;
    key = step;
  }
  if (kind === APPEND && Array.isArray(holder[key])) (holder[key] as unknown[]).push(...(value as unknown[]));
  else setOwn(holder, key, kind === OBJECT ? {} : value);
}

/** As JSON.parse sets a field: its own, even one named `__proto__`. */
function setOwn(holder: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(holder, key, { value, writable: true, enumerable: true, configurable: true });
}
