import { canonical, compareIds, Doc, POS } from './document';
import { ReadStore } from './read-store';

export interface DiffExample {
  _id: string;
  /** missing: only in the rebuilt copy; extra: only in the live one; different: in both, unequal. */
  kind: 'missing' | 'extra' | 'different';
  /** Top-level fields that differ. */
  fields?: string[];
  live?: Doc;
  rebuilt?: Doc;
}

export interface CollectionDiff {
  collection: string;
  live: number;
  rebuilt: number;
  missing: number;
  extra: number;
  different: number;
  examples: DiffExample[];
}

export interface DiffOptions {
  /** Compare without `_pos`. It is deterministic (the position of the last event that touched the
   *  document), so by default it is compared: a differing `_pos` means a different set of events. */
  ignorePos?: boolean;
  examples?: number;
}

/** Compares two collections document by document, walking both in `_id` order (constant memory). */
export async function diffCollection(store: ReadStore, live: string, rebuilt: string, options: DiffOptions = {}): Promise<CollectionDiff> {
  const result: CollectionDiff = { collection: live, live: 0, rebuilt: 0, missing: 0, extra: 0, different: 0, examples: [] };
  const note = (example: DiffExample) => {
    result[example.kind]++;
    if (result.examples.length < (options.examples ?? 5)) result.examples.push(example);
  };
  const a = store.scan(live)[Symbol.asyncIterator]();
  const b = store.scan(rebuilt)[Symbol.asyncIterator]();
  let x = await a.next();
  let y = await b.next();
  while (!x.done || !y.done) {
    const order = x.done ? 1 : y.done ? -1 : compareIds(String(x.value._id), String(y.value._id));
    if (order < 0) note({ _id: String(x.value._id), kind: 'extra', live: x.value });
    else if (order > 0) note({ _id: String(y.value._id), kind: 'missing', rebuilt: y.value });
    else {
      const fields = differingFields(x.value, y.value, options.ignorePos ?? false);
      if (fields.length) note({ _id: String(x.value._id), kind: 'different', fields, live: x.value, rebuilt: y.value });
    }
    if (order <= 0) [result.live, x] = [result.live + 1, await a.next()];
    if (order >= 0) [result.rebuilt, y] = [result.rebuilt + 1, await b.next()];
  }
  return result;
}

function differingFields(a: Doc, b: Doc, ignorePos: boolean): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  if (ignorePos) keys.delete(POS);
  return [...keys].filter((k) => canonical(a[k]) !== canonical(b[k])).sort();
}
