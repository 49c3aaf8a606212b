import { RegisterRequest } from '@register/service-kit';

type Reply = { header(name: string, value: string): unknown };

/** One CSV field (RFC 4180): quoted when it holds a separator, a quote or a line break; a leading = + - @ is quoted with a ' so that a spreadsheet does not run it. */
function field(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const wantsCsv = (req: RegisterRequest) => /\btext\/csv\b/i.test(String(req.headers.accept ?? ''));

/**
 * A list as JSON (`{ items, nextCursor }`), or as CSV for `Accept: text/csv`: UTF-8 with a BOM so
 * that Excel shows Vietnamese right, these columns in this order, the next page's cursor in a `Next-Cursor` header.
 */
export function sendList<T extends object>(req: RegisterRequest, reply: Reply, page: { items: T[]; nextCursor: string | null }, columns: string[]) {
  if (!wantsCsv(req)) return page;
  reply.header('content-type', 'text/csv; charset=utf-8');
  if (page.nextCursor) reply.header('next-cursor', page.nextCursor);
  const rows = page.items.map((item) => columns.map((c) => field((item as Record<string, unknown>)[c])).join(','));
  return `\ufeff${[columns.join(','), ...rows].join('\r\n')}\r\n`;
}
