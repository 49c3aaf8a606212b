import { cloneValue, compareValues, Doc, sameValue, segments } from './document';
import { Operation } from './projection';
import { WriteOp } from './read-store';
import { applyUpdate, eachOf, pullMatcher, Update, UpdateOperator } from './updater';

/** One field's pending change; $push/$addToSet keep their item list. */
interface Field {
  op: UpdateOperator;
  value: unknown;
}

/**
 * A write being planned for one document, possibly standing for several events' operations:
 * `pos` is the position of the last of them. Merging is exact: applying the merged write gives
 * the document that applying the operations one by one gives, whether or not the document existed
 * (checked by coalesce.spec.ts against the updater). When two operations cannot be merged, the
 * document gets a second write in a later round.
 */
export type PlannedWrite =
  | { kind: 'update'; pos: number; upsert: boolean; fields: Map<string, Field>; prefixes: Set<string> }
  | { kind: 'replace'; pos: number; upsert: boolean; doc: Doc }
  | { kind: 'delete'; pos: number };

export function planned(operation: Operation, pos: number): PlannedWrite {
  if ('delete' in operation) return { kind: 'delete', pos };
  if ('replace' in operation) return { kind: 'replace', pos, upsert: operation.upsert ?? true, doc: withoutId(operation.replace) };
  const write: PlannedWrite = { kind: 'update', pos, upsert: operation.upsert ?? false, fields: new Map(), prefixes: new Set() };
  // plain loops, not a generator: this runs for every operation of every event of a rebuild
  for (const op in operation.update) {
    const fields = operation.update[op as UpdateOperator]!;
    for (const path in fields) addField(write, path, { op: op as UpdateOperator, value: listOp(op as UpdateOperator) ? eachOf(fields[path]) : fields[path] });
  }
  return write;
}

/** `prev` then `next` as one write, or undefined when no single MongoDB write does both. May reuse `prev`. */
export function merge(prev: PlannedWrite, next: PlannedWrite): PlannedWrite | undefined {
  if (next.kind === 'delete') return next;
  if (next.kind === 'replace') return mergeReplace(prev, next);
  if (prev.kind === 'delete') return next.upsert ? { kind: 'replace', pos: next.pos, upsert: true, doc: materialize({}, next, true) } : { ...prev, pos: next.pos };
  if (prev.kind === 'replace') {
    if (!prev.upsert && next.upsert) return undefined; // "absent before" would need the insert, "present" the update
    return { kind: 'replace', pos: next.pos, upsert: prev.upsert, doc: materialize(cloneValue(prev.doc), next, false) };
  }
  if ((!prev.upsert && next.upsert) || !mergeFields(prev, next)) return undefined;
  prev.pos = next.pos;
  return prev;
}

function mergeReplace(prev: PlannedWrite, next: Extract<PlannedWrite, { kind: 'replace' }>): PlannedWrite {
  if (next.upsert) return next;
  const existsAfterPrev = prev.kind === 'delete' ? false : prev.upsert ? true : undefined;
  if (existsAfterPrev === false) return { kind: 'delete', pos: next.pos };
  return { ...next, upsert: existsAfterPrev === true };
}

/** Folds `next`'s fields into `prev` if every one combines; leaves `prev` untouched otherwise. */
function mergeFields(prev: Extract<PlannedWrite, { kind: 'update' }>, next: Extract<PlannedWrite, { kind: 'update' }>): boolean {
  const changes: Array<[string, Field]> = [];
  for (const [path, field] of next.fields) {
    if (field.op === '$setOnInsert') continue; // the document exists by then (or nothing is inserted at all)
    const before = prev.fields.get(path);
    if (before) {
      const combined = combine(before, field, path);
      if (!combined) return false;
      changes.push([path, combined]);
    } else {
      if (prev.prefixes.has(path) || strictPrefixes(path).some((p) => prev.fields.has(p))) return false;
      changes.push([path, field]);
    }
  }
  for (const [path, field] of changes) addField(prev, path, field);
  return true;
}

/** One field changed by `a` then by `b`, as a single change. */
function combine(a: Field, b: Field, path: string): Field | undefined {
  const set = (value: unknown): Field => ({ op: '$set', value });
  const isArray = a.op === '$set' && Array.isArray(a.value);
  switch (b.op) {
    case '$set':
      return b;
    case '$unset': // `a` may have created the parents of a nested field, which the unset leaves behind
      return segments(path).length === 1 ? b : undefined;
    case '$inc':
      if (a.op === '$inc') return { op: '$inc', value: (a.value as number) + (b.value as number) };
      if (a.op === '$set' && typeof a.value === 'number') return set(a.value + (b.value as number));
      return a.op === '$unset' ? set(b.value) : undefined;
    case '$min':
    case '$max': {
      const better = (x: unknown, y: unknown) => (compareValues(y, x) * (b.op === '$min' ? -1 : 1) > 0 ? y : x);
      if (a.op === b.op) return { op: b.op, value: better(a.value, b.value) };
      if (a.op === '$set' && a.value !== undefined && a.value !== null) return set(better(a.value, b.value));
      return a.op === '$unset' ? set(b.value) : undefined;
    }
    case '$push':
      if (a.op === '$push') return { op: '$push', value: [...(a.value as unknown[]), ...(b.value as unknown[])] };
      if (isArray) return set([...(a.value as unknown[]), ...(b.value as unknown[])]);
      return a.op === '$unset' ? set([...(b.value as unknown[])]) : undefined;
    case '$addToSet':
      if (a.op === '$addToSet') return { op: '$addToSet', value: addToSet(a.value as unknown[], b.value as unknown[]) };
      if (isArray) return set(addToSet(a.value as unknown[], b.value as unknown[]));
      return a.op === '$unset' ? set(addToSet([], b.value as unknown[])) : undefined;
    case '$pull':
      if (isArray) return set((a.value as unknown[]).filter((x) => !pullMatcher(b.value)(x)));
      return a.op === '$unset' ? a : undefined;
    default:
      return undefined;
  }
}

function addToSet(items: unknown[], more: unknown[]): unknown[] {
  const out = [...items];
  for (const x of more) if (!out.some((y) => sameValue(x, y))) out.push(x);
  return out;
}

/** The MongoDB update document of a planned update. */
export function toUpdate(write: Extract<PlannedWrite, { kind: 'update' }>): Update {
  const update: Update = {};
  for (const [path, { op, value }] of write.fields) (update[op] ??= {})[path] = listOp(op) ? { $each: value } : value;
  return update;
}

function materialize(doc: Doc, write: Extract<PlannedWrite, { kind: 'update' }>, inserting: boolean): Doc {
  applyUpdate(doc, toUpdate(write), inserting);
  return doc;
}

function addField(write: Extract<PlannedWrite, { kind: 'update' }>, path: string, field: Field) {
  write.fields.set(path, field);
  for (const p of strictPrefixes(path)) write.prefixes.add(p);
}

const NO_PREFIXES: string[] = [];
const prefixCache = new Map<string, string[]>();

/** `a.b.c` → ['a', 'a.b'], cached as segments() is: projections reuse a handful of paths. */
function strictPrefixes(path: string): string[] {
  let prefixes = prefixCache.get(path);
  if (!prefixes) {
    const keys = segments(path);
    prefixes = keys.length === 1 ? NO_PREFIXES : keys.slice(0, -1).map((_, i) => keys.slice(0, i + 1).join('.'));
    if (prefixCache.size < 10_000) prefixCache.set(path, prefixes);
  }
  return prefixes;
}

const listOp = (op: UpdateOperator) => op === '$push' || op === '$addToSet';

function withoutId(doc: Doc): Doc {
  const { _id: _ignored, ...rest } = doc;
  return rest;
}

/** The store-facing form of a planned write (also what the journal keeps). */
export function toWriteOp(_id: string, write: PlannedWrite): WriteOp {
  if (write.kind === 'delete') return { _id, pos: write.pos, delete: true };
  if (write.kind === 'replace') return { _id, pos: write.pos, replace: write.doc, upsert: write.upsert };
  return { _id, pos: write.pos, update: toUpdate(write), upsert: write.upsert };
}
