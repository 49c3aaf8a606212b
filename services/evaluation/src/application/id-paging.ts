import { CollectionQueries } from '@register/read-models';
import { decodeCursor, encodeCursor, Page } from '@register/service-kit';

/** The store filter of the documents after the cursor (the last id served), joined to `filter`. */
export function afterCursor(filter: Record<string, unknown>, cursor: string | undefined): Record<string, unknown> {
  const after = decodeCursor(cursor);
  return after === undefined ? filter : { ...filter, _id: { $gt: after } };
}

/** A page of rows in id order: `limit` of them, and the cursor that continues after the last. */
export function pageOf<T extends { _id: string }, V>(rows: T[], limit: number, view: (row: T) => V): Page<V> {
  const items = rows.slice(0, limit);
  return { items: items.map(view), nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]._id) : null };
}

/** One page of a read model's collection in id order (the lists of evaluation). */
export async function pageById<T extends { _id: string }, V>(collection: CollectionQueries, filter: Record<string, unknown>, page: { limit?: number; cursor?: string }, view: (row: T) => V): Promise<Page<V>> {
  const limit = page.limit ?? 50;
  const rows = (await collection.find(afterCursor(filter, page.cursor), { sort: { _id: 1 }, limit: limit + 1 })) as unknown as T[];
  return pageOf(rows, limit, view);
}
