import { RegisterRequest, toCsv, wantsCsv } from '@register/service-kit';

type Reply = { header(name: string, value: string): unknown };

/**
 * One page of a list as JSON (`{ items, nextCursor }`), or as CSV for `Accept: text/csv`
 * (service-kit's: UTF-8 with a BOM, these columns in this order), the next page's cursor in a
 * `Next-Cursor` header. A paged list that should stream whole uses service-kit's listAnswer.
 */
export function sendList<T extends object>(req: RegisterRequest, reply: Reply, page: { items: T[]; nextCursor: string | null }, columns: string[]) {
  if (!wantsCsv(req.headers.accept)) return page;
  reply.header('content-type', 'text/csv; charset=utf-8');
  if (page.nextCursor) reply.header('next-cursor', page.nextCursor);
  return toCsv(columns, page.items);
}
