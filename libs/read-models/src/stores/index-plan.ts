import { isPlainObject } from '../document';

/** A value an index keys by: compared by type and value, as MongoDB compares an equality (Map keys do the same). */
export type Key = string | number | boolean;

export function isKey(v: unknown): v is Key {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && !Number.isNaN(v));
}

export const RANGE_OPERATORS = ['$gt', '$gte', '$lt', '$lte'] as const;
export type RangeOperator = (typeof RANGE_OPERATORS)[number];

/** What look-ups found before the ids are gathered: the sets to join, and at most how many ids they hold. */
export interface Found {
  sets: ReadonlyArray<ReadonlySet<string>>;
  size: number;
}

/** The look-ups a collection's indexes answer (EqualityIndexes). */
export interface Lookups {
  indexes(field: string): boolean;
  equal(field: string, values: readonly Key[]): Found;
  /** Undefined when more than `cap` documents would be found. */
  range(field: string, operator: RangeOperator, bound: string, cap: number): Found | undefined;
}

/**
 * The documents the filter can match, as index look-ups, or undefined when they cannot be told
 * (the caller scans). Each part of a conjunction (a field's condition, an `$and`'s element, an
 * `$or`) holds every match, so the fewest found is taken; an `$or` holds its branches' matches
 * together, so it is looked up only when every branch is, and its branches' documents are joined
 * (as the directory's `{$or: [{branchId: {$in}, settledOn: {$lte}}, {settledOn: {$gt}}]}`).
 * Whatever is found, mingo tests the whole filter on it. `cap`: no more than this many is of use
 * (another part already found fewer), so a range stops counting past it.
 */
export function planOf(filter: Record<string, unknown>, lookups: Lookups, cap = Infinity): Found | undefined {
  let best: Found | undefined;
  const keep = (found: Found | undefined) => {
    if (found && (!best || found.size < best.size)) best = found;
  };
  const limit = () => Math.min(cap, best ? best.size : Infinity);
  // Fields first (their look-ups are cheap): the logical parts then count up to the fewest found.
  for (const [field, cond] of Object.entries(filter)) if (!field.startsWith('$') && lookups.indexes(field)) keep(fieldLookup(field, cond, lookups, limit()));
  const and = filter.$and;
  if (Array.isArray(and)) for (const part of and) if (isPlainObject(part)) keep(planOf(part, lookups, limit()));
  if (filter.$or !== undefined) keep(unionOf(filter.$or, lookups, limit()));
  return best;
}

/** An `$or`'s branches' documents together; undefined when one branch cannot be looked up, or they are more than `cap`. */
function unionOf(branches: unknown, lookups: Lookups, cap: number): Found | undefined {
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const sets: Array<ReadonlySet<string>> = [];
  let size = 0;
  for (const branch of branches) {
    const found = isPlainObject(branch) ? planOf(branch, lookups, cap - size) : undefined;
    if (!found || (size += found.size) > cap) return undefined;
    sets.push(...found.sets);
  }
  return { sets, size };
}

/**
 * One field's condition: an equality (a scalar, `$in` of scalars) or a range with a string bound,
 * each operator of an operator object on its own (all must hold, so any one's documents hold the
 * matches), the fewest found.
 */
function fieldLookup(field: string, cond: unknown, lookups: Lookups, cap: number): Found | undefined {
  const values = lookedUp(cond);
  if (values) return lookups.equal(field, values);
  if (!isPlainObject(cond) || !Object.keys(cond).every((k) => k.startsWith('$'))) return undefined;
  let best: Found | undefined;
  for (const [operator, operand] of Object.entries(cond)) {
    const limit = Math.min(cap, best ? best.size : Infinity);
    let found: Found | undefined;
    if (operator === '$in' && Array.isArray(operand) && operand.every(isKey)) found = lookups.equal(field, operand);
    else if ((RANGE_OPERATORS as readonly string[]).includes(operator) && typeof operand === 'string') found = lookups.range(field, operator as RangeOperator, operand, limit);
    if (found && (!best || found.size < best.size)) best = found;
  }
  return best;
}

/** The values a condition is an equality to, when all are scalars (null matches missing fields: never looked up). */
export function lookedUp(cond: unknown): Key[] | undefined {
  if (isKey(cond)) return [cond];
  if (cond === null || typeof cond !== 'object' || Array.isArray(cond)) return undefined;
  const keys = Object.keys(cond);
  const values = (cond as Record<string, unknown>).$in;
  if (keys.length !== 1 || keys[0] !== '$in' || !Array.isArray(values) || !values.every(isKey)) return undefined;
  return values;
}
