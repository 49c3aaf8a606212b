import { Doc } from '../document';
import { Found, isKey, Key, lookedUp, planOf, RangeOperator } from './index-plan';

const LOOSE = Symbol('loose');
const NONE: ReadonlySet<string> = new Set();

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
 * The memory store's indexes on one collection: for each indexed field, value → ids (each element
 * of an array, as MongoDB's multikey indexes), and, from the first range read on the field, its
 * string values in order. A look-up gives candidates, a superset of the documents the filter
 * matches, in the collection map's order (so that mingo, which then tests the whole filter,
 * answers exactly what a scan answers, ties in a sort included).
 */
export class EqualityIndexes {
  private readonly byField = new Map<string, Map<Key | typeof LOOSE, Set<string>>>();
  private readonly paths = new Map<string, string[]>();
  /** A field's string keys in JavaScript's order (mingo's for strings), once a range was read on it; kept as keys come and go. */
  private readonly ordered = new Map<string, string[]>();
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
   * The candidate ids of the filter (index-plan.ts: the fewest of a conjunction's look-ups, an
   * `$or`'s branches joined); undefined when none can be looked up (the caller scans).
   */
  candidates(filter: Record<string, unknown>): Candidates | undefined {
    const found = planOf(filter, this);
    // As many as there are documents (a whole district's branches): a scan tests no more, and sorts nothing.
    if (!found || found.size >= this.entries.size) return undefined;
    const union = new Set<string>();
    for (const ids of found.sets) for (const id of ids) union.add(id);
    const placed = [...union].map((id) => [this.entries.get(id)!.seq, id] as const).sort((a, b) => a[0] - b[0]);
    return { ids: placed.map(([, id]) => id), exact: this.answersExactly(filter) };
  }

  /** Whether the filter is one equality on an indexed field with no unkeyed document: its look-up is its answer. */
  private answersExactly(filter: Record<string, unknown>): boolean {
    const fields = Object.keys(filter);
    const index = fields.length === 1 ? this.byField.get(fields[0]) : undefined;
    return !!index && !index.has(LOOSE) && lookedUp(filter[fields[0]]) !== undefined;
  }

  /** Whether the field is indexed. */
  indexes(field: string): boolean {
    return this.byField.has(field);
  }

  /** The documents whose field may equal one of the values: theirs, and the unkeyed ones. */
  equal(field: string, values: readonly Key[]): Found {
    const index = this.byField.get(field)!;
    const sets = [index.get(LOOSE) ?? NONE, ...values.map((v) => index.get(v) ?? NONE)];
    return { sets, size: sets.reduce((n, ids) => n + ids.size, 0) };
  }

  /**
   * The documents whose field may hold a string in the range (one bound: an array's elements may
   * each meet another): those keyed by one, and the unkeyed ones; mingo compares a string bound
   * with strings only. Undefined when they would be more than `cap` (another look-up is fewer).
   */
  range(field: string, operator: RangeOperator, bound: string, cap: number): Found | undefined {
    const index = this.byField.get(field)!;
    const keys = this.orderedKeys(field, index);
    const [from, to] = operator === '$gt' || operator === '$gte' ? [firstAfter(keys, bound, operator === '$gte'), keys.length] : [0, firstAfter(keys, bound, operator === '$lt')];
    const sets: ReadonlySet<string>[] = [index.get(LOOSE) ?? NONE];
    let size = sets[0].size;
    for (let i = from; i < to && size <= cap; i++) {
      const ids = index.get(keys[i])!;
      sets.push(ids);
      size += ids.size;
    }
    return size <= cap ? { sets, size } : undefined;
  }

  private orderedKeys(field: string, index: Map<Key | typeof LOOSE, Set<string>>): string[] {
    let keys = this.ordered.get(field);
    if (!keys) this.ordered.set(field, (keys = [...index.keys()].filter((k): k is string => typeof k === 'string').sort()));
    return keys;
  }

  private add(id: string, doc: Doc, seq: number): void {
    const keys: Array<[string, Key | typeof LOOSE]> = [];
    for (const [field, index] of this.byField) {
      const value = valueAt(doc, this.paths.get(field)!);
      for (const key of value === LOOSE_VALUE ? [LOOSE as typeof LOOSE] : keysOf(value)) {
        let ids = index.get(key);
        if (!ids) {
          index.set(key, (ids = new Set()));
          const order = typeof key === 'string' && this.ordered.get(field);
          if (order) order.splice(firstAfter(order, key, true), 0, key);
        }
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
      if (ids.size > 0) continue;
      this.byField.get(field)!.delete(key);
      const order = typeof key === 'string' && this.ordered.get(field);
      if (order) order.splice(firstAfter(order, key, true), 1);
    }
    this.entries.delete(id);
    return entry.seq;
  }
}

/** The first place in the ordered keys whose key is after the bound (or at it, `orAt`). */
function firstAfter(keys: readonly string[], bound: string, orAt: boolean): number {
  let [lo, hi] = [0, keys.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < bound || (!orAt && keys[mid] === bound)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
