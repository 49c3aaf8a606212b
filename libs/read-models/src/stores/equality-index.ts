import { Doc } from '../document';

/** A value an index keys by: compared by type and value, as MongoDB compares an equality (Map keys do the same). */
type Key = string | number | boolean;
const LOOSE = Symbol('loose');

function isKey(v: unknown): v is Key {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && !Number.isNaN(v));
}

/** What a document is indexed under for one field: its scalar, each scalar of its array, LOOSE for what cannot be keyed. */
function keysOf(v: unknown): Array<Key | typeof LOOSE> {
  if (v === undefined || v === null) return []; // matches no equality to a scalar; null itself is never looked up
  if (isKey(v)) return [v];
  if (!Array.isArray(v)) return [LOOSE]; // an object, a date: kept as a candidate of every look-up rather than reasoned about
  const keys = new Set<Key | typeof LOOSE>();
  for (const e of v) if (e !== undefined && e !== null) keys.add(isKey(e) ? e : LOOSE);
  return [...keys];
}

/**
 * The value at a field's path (`a.b.c`): what the index keys the document by. An array met before
 * the last segment makes the value LOOSE (MongoDB would look into each element: a candidate of
 * every look-up rather than reasoned about); a missing segment or a scalar on the way, no value.
 */
function valueAt(doc: Doc, path: readonly string[]): unknown {
  let v: unknown = doc;
  for (let i = 0; i < path.length; i++) {
    if (Array.isArray(v)) return LOOSE_VALUE;
    if (v === null || typeof v !== 'object') return undefined; // a scalar has no fields: matches no equality below it
    v = (v as Record<string, unknown>)[path[i]];
  }
  return v;
}
const LOOSE_VALUE = { loose: true };

/** What `candidates` answers: the ids, and whether they are the answer itself (no document left to test). */
export interface Candidates {
  ids: string[];
  /** The filter was one looked-up equality and every id was keyed by a value: the ids are exactly the matches. */
  exact: boolean;
}

/**
 * The memory store's equality indexes on one collection: for each indexed field, value → ids (each
 * element of an array, as MongoDB's multikey indexes). A look-up gives candidates, a superset of
 * the documents the condition matches, in the collection map's order (so that mingo, which then
 * tests the whole filter, answers exactly what a scan answers, ties in a sort included).
 */
export class EqualityIndexes {
  private readonly byField = new Map<string, Map<Key | typeof LOOSE, Set<string>>>();
  private readonly paths = new Map<string, string[]>();
  /** Per document: its place in the map's order (kept when a key is set again, as Map keeps it) and what it is indexed under. */
  private readonly entries = new Map<string, { seq: number; keys: Array<[string, Key | typeof LOOSE]> }>();
  private next = 0;

  constructor(fields: readonly string[], docs: Map<string, Doc>) {
    for (const field of fields) {
      this.byField.set(field, new Map());
      this.paths.set(field, field.split('.'));
    }
    for (const [id, doc] of docs) this.add(id, doc, this.next++);
  }

  /** After the collection's map set `id` to `doc` (undefined: deleted it). */
  update(id: string, doc: Doc | undefined): void {
    const seq = this.remove(id);
    if (doc) this.add(id, doc, seq ?? this.next++);
  }

  /**
   * The candidate ids for the filter's top-level equalities (`{f: scalar}`, `{f: {$in: [scalars]}}`)
   * on indexed fields, the fewest of them; undefined when none can be looked up (the caller scans).
   */
  candidates(filter: Record<string, unknown>): Candidates | undefined {
    let best: Set<string> | undefined;
    let loose = false;
    for (const [field, cond] of Object.entries(filter)) {
      const index = this.byField.get(field);
      const values = index && lookedUp(cond);
      if (!values) continue;
      const ids = new Set<string>(index.get(LOOSE));
      const looseHere = ids.size > 0;
      for (const v of values) for (const id of index.get(v) ?? []) ids.add(id);
      if (!best || ids.size < best.size) [best, loose] = [ids, looseHere];
    }
    if (!best) return undefined;
    const ids = [...best].sort((a, b) => this.entries.get(a)!.seq - this.entries.get(b)!.seq);
    return { ids, exact: !loose && Object.keys(filter).length === 1 };
  }

  private add(id: string, doc: Doc, seq: number): void {
    const keys: Array<[string, Key | typeof LOOSE]> = [];
    for (const [field, index] of this.byField) {
      const value = valueAt(doc, this.paths.get(field)!);
      for (const key of value === LOOSE_VALUE ? [LOOSE as typeof LOOSE] : keysOf(value)) {
        let ids = index.get(key);
        if (!ids) index.set(key, (ids = new Set()));
        ids.add(id);
        keys.push([field, key]);
      }
    }
    this.entries.set(id, { seq, keys });
  }

  private remove(id: string): number | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    for (const [field, key] of entry.keys) {
      const ids = this.byField.get(field)!.get(key)!;
      ids.delete(id);
      if (ids.size === 0) this.byField.get(field)!.delete(key);
    }
    this.entries.delete(id);
    return entry.seq;
  }
}

/** The values a condition is an equality to, when all are scalars (null matches missing fields: never looked up). */
function lookedUp(cond: unknown): Key[] | undefined {
  if (isKey(cond)) return [cond];
  if (cond === null || typeof cond !== 'object' || Array.isArray(cond)) return undefined;
  const keys = Object.keys(cond);
  const values = (cond as Record<string, unknown>).$in;
  if (keys.length !== 1 || keys[0] !== '$in' || !Array.isArray(values) || !values.every(isKey)) return undefined;
  return values;
}

/** The fields a collection's declared indexes can answer an equality on: each index's first field (a compound index's prefix), nested ones by their path. */
export function indexedFields(indexes: readonly { key: Record<string, unknown> }[] | undefined): string[] {
  const fields = new Set<string>();
  for (const { key } of indexes ?? []) {
    const first = Object.keys(key)[0];
    if (first && first !== '_id' && !first.startsWith('$') && !first.split('.').some((s) => s === '' || s.startsWith('$') || /^\d+$/.test(s))) fields.add(first);
  }
  return [...fields];
}
