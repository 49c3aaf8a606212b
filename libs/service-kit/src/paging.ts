import { ValidationFailed } from './problem-details';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const key = /^[A-Za-z0-9_-]{1,4096}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!key) throw new ValidationFailed([{ field: 'cursor', rule: 'cursor', message: 'cursor must be a nextCursor this API returned' }]);
  return key;
}

/**
 * A cursor of a read model's keyset page (read-models' CollectionQueries.page: the last item's sort
 * value and id, as JSON) that this API did not give is a 400, not a failed parse deeper down.
 */
export function checkKeysetCursor(cursor: string | undefined): void {
  if (cursor === undefined || cursor === '') return;
  try {
    const decoded = decodeCursor(cursor);
    const key = decoded === undefined ? undefined : (JSON.parse(decoded) as unknown);
    if (Array.isArray(key) && key.length === 2 && typeof key[1] === 'string') return;
  } catch {
    // refused below
  }
  throw new ValidationFailed([{ field: 'cursor', rule: 'cursor', message: 'cursor must be the nextCursor of an earlier page' }]);
}

/** Keyset paging over a list already sorted by `keyOf`: the cursor is the last key served. */
export function paginate<T>(sorted: T[], keyOf: (item: T) => string, limit = 50, cursor?: string): Page<T> {
  const after = decodeCursor(cursor);
  const start = after === undefined ? 0 : sorted.findIndex((item) => keyOf(item) > after);
  const items = start < 0 ? [] : sorted.slice(start, start + limit);
  const more = start >= 0 && start + limit < sorted.length;
  return { items, nextCursor: more ? encodeCursor(keyOf(items[items.length - 1])) : null };
}

/**
 * Lists sorted by name (a folded sort name, then the id for namesakes): the one key and cursor
 * format of every such list, whether a read model pages it in the store or a fold of history
 * pages it in memory.
 */
export const nameKey = (sortName: string, id: string) => `${sortName}\u0000${id}`;
export const BY_NAME = { sortName: 1, _id: 1 } as const;

/** The (sortName, id) after which the next page starts; undefined for the first page. */
export function decodeNameCursor(cursor: string | undefined): [string, string] | undefined {
  const key = decodeCursor(cursor);
  if (key === undefined) return undefined;
  const parts = key.split('\u0000');
  if (parts.length !== 2) throw new ValidationFailed([{ field: 'cursor', rule: 'cursor', message: 'cursor must be a nextCursor this API returned' }]);
  return parts as [string, string];
}

/** The store filter of the documents after `after` in BY_NAME order, joined to `filter`. */
export function afterName(filter: Record<string, unknown>, after: [string, string] | undefined): Record<string, unknown> {
  if (!after) return filter;
  return { $and: [filter, { $or: [{ sortName: { $gt: after[0] } }, { sortName: after[0], _id: { $gt: after[1] } }] }] };
}

/** The cursor that continues after this document of a list sorted BY_NAME. */
export const nameCursorOf = (doc: { sortName?: unknown; _id?: unknown }) => encodeCursor(nameKey(String(doc.sortName), String(doc._id)));
