import { Query } from 'mingo';
import { cloneValue, compareValues, Doc, isPlainObject, sameValue, segments } from './document';

/**
 * MongoDB update operators, applied in memory: the embedded read store, and a batch's view of the
 * documents its handlers read. Our own code rather than mingo's `update`, which in v7 does not
 * de-duplicate `$addToSet: {$each}` and costs ~90 µs per call (this costs ~1 µs); mingo still
 * matches `$pull` conditions. Only these operators exist in projections, on both stores.
 */
export const UPDATE_OPERATORS = ['$set', '$unset', '$inc', '$min', '$max', '$setOnInsert', '$push', '$addToSet', '$pull'] as const;
export type UpdateOperator = (typeof UPDATE_OPERATORS)[number];
export type Update = Partial<Record<UpdateOperator, Record<string, unknown>>>;

type FieldUpdate = (doc: Doc, path: string, value: unknown) => void;

export class UpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpdateError';
  }
}

/** Applies `update` to `doc` in place. `inserting`: the document is being created by an upsert. */
export function applyUpdate(doc: Doc, update: Update, inserting: boolean): void {
  for (const op in update) {
    if (op === '$setOnInsert' && !inserting) continue;
    const apply = OPERATORS[op as UpdateOperator];
    if (!apply) throw new UpdateError(`unsupported update operator ${op}`);
    const fields = update[op as UpdateOperator]!;
    for (const path in fields) apply(doc, path, fields[path]);
  }
}

const OPERATORS: Record<UpdateOperator, FieldUpdate> = {
  $set: (doc, path, value) => setField(doc, path, cloneValue(value)),
  $setOnInsert: (doc, path, value) => setField(doc, path, cloneValue(value)),
  $unset: (doc, path) => unsetField(doc, path),
  $inc: (doc, path, value) => {
    const current = getField(doc, path);
    if (current !== undefined && typeof current !== 'number') throw new UpdateError(`$inc on non-numeric field ${path}`);
    setField(doc, path, ((current as number | undefined) ?? 0) + (value as number));
  },
  $min: (doc, path, value) => {
    const current = getField(doc, path);
    if (current === undefined || compareValues(value, current) < 0) setField(doc, path, cloneValue(value));
  },
  $max: (doc, path, value) => {
    const current = getField(doc, path);
    if (current === undefined || compareValues(value, current) > 0) setField(doc, path, cloneValue(value));
  },
  $push: (doc, path, value) => arrayAt(doc, path, true)!.push(...eachOf(value).map(cloneValue)),
  $addToSet: (doc, path, value) => {
    const array = arrayAt(doc, path, true)!;
    for (const item of eachOf(value)) if (!array.some((x) => sameValue(x, item))) array.push(cloneValue(item));
  },
  $pull: (doc, path, condition) => {
    const array = arrayAt(doc, path, false);
    if (!array) return;
    const matches = pullMatcher(condition);
    const kept = array.filter((x) => !matches(x));
    array.splice(0, array.length, ...kept);
  },
};

/** `{ $each: [...] }` or a single value; other $push modifiers ($slice, $sort, $position) are not supported. */
export function eachOf(value: unknown): unknown[] {
  if (isPlainObject(value) && '$each' in value) {
    if (Object.keys(value).length !== 1) throw new UpdateError('only $each is supported as a $push/$addToSet modifier');
    if (!Array.isArray(value.$each)) throw new UpdateError('$each takes an array');
    return value.$each;
  }
  return [value];
}

/** MongoDB's $pull: an operator expression tests each element, a document is a query on document elements, else equality. */
export function pullMatcher(condition: unknown): (element: unknown) => boolean {
  if (isPlainObject(condition)) {
    const keys = Object.keys(condition);
    if (keys.length > 0 && keys.every((k) => k.startsWith('$'))) {
      const query = new Query({ v: condition });
      return (element) => query.test({ v: element });
    }
    const query = new Query(condition);
    return (element) => isPlainObject(element) && query.test(element);
  }
  return (element) => sameValue(element, condition);
}

export function getField(doc: Doc, path: string): unknown {
  let node: unknown = doc;
  for (const key of segments(path)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function setField(doc: Doc, path: string, value: unknown) {
  const keys = segments(path);
  const parent = parentOf(doc, keys, true)!;
  (parent as Record<string, unknown>)[keys[keys.length - 1]] = value;
}

function unsetField(doc: Doc, path: string) {
  const keys = segments(path);
  const parent = parentOf(doc, keys, false);
  if (!parent) return;
  const last = keys[keys.length - 1];
  if (Array.isArray(parent)) {
    if (Number(last) < parent.length) parent[Number(last)] = null; // MongoDB leaves a null in the array
  } else delete (parent as Record<string, unknown>)[last];
}

function arrayAt(doc: Doc, path: string, create: boolean): unknown[] | undefined {
  const current = getField(doc, path);
  if (current === undefined) {
    if (!create) return undefined;
    const fresh: unknown[] = [];
    setField(doc, path, fresh);
    return fresh;
  }
  if (!Array.isArray(current)) throw new UpdateError(`${path} is not an array`);
  return current;
}

/** The object holding the last segment, creating missing intermediate documents when asked. */
function parentOf(doc: Doc, keys: string[], create: boolean): Record<string, unknown> | unknown[] | undefined {
  let node: Record<string, unknown> | unknown[] = doc;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i];
    let next = (node as Record<string, unknown>)[key];
    if (next === undefined || next === null) {
      if (!create) return undefined;
      next = {};
      (node as Record<string, unknown>)[key] = next;
    }
    if (typeof next !== 'object') {
      if (!create) return undefined;
      throw new UpdateError(`cannot create field ${keys[i + 1]} in ${keys.slice(0, i + 1).join('.')}: not a document`);
    }
    node = next as Record<string, unknown> | unknown[];
  }
  return node;
}
