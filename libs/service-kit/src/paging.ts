import { ValidationFailed } from './problem-details';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const key = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!key) throw new ValidationFailed([{ field: 'cursor', rule: 'cursor', message: 'cursor must be a nextCursor this API returned' }]);
  return key;
}

/** Keyset paging over a list already sorted by `keyOf`: the cursor is the last key served. */
export function paginate<T>(sorted: T[], keyOf: (item: T) => string, limit = 50, cursor?: string): Page<T> {
  const after = decodeCursor(cursor);
  const start = after === undefined ? 0 : sorted.findIndex((item) => keyOf(item) > after);
  const items = start < 0 ? [] : sorted.slice(start, start + limit);
  const more = start >= 0 && start + limit < sorted.length;
  return { items, nextCursor: more ? encodeCursor(keyOf(items[items.length - 1])) : null };
}
