import { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';
import Negotiator from 'negotiator';
import { Page } from './paging';

/**
 * Lists answer `Accept: text/csv` too (docs/member-imports.md): UTF-8 with a BOM, so that Excel shows
 * Vietnamese right; RFC 4180 fields; CRLF line ends.
 */
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
/** Rows fetched at a time while a whole list streams: the largest page a list serves. */
export const CSV_PAGE_SIZE = 500;

/**
 * The type an answer takes of those offered (JSON first), by the caller's `Accept` as HTTP weighs
 * it (RFC 9110 §12.5.1, with the negotiator library): `application/json, text/csv;q=0.1` asks for
 * JSON, `text/csv;q=0` refuses CSV. Nothing acceptable, or no Accept: the first offered.
 */
export function preferredType<T extends string>(accept: string | string[] | undefined, offered: readonly [T, ...T[]]): T {
  const header = Array.isArray(accept) ? accept.join(', ') : accept;
  if (!header) return offered[0];
  // A type's parameters other than its weight (`text/csv; charset=utf-8`, `text/csv; header=present`) do not change what it asks for.
  const weighed = header
    .split(',')
    .map((range) => range.split(';').filter((part, i) => i === 0 || /^\s*q\s*=/i.test(part)).join(';'))
    .join(',');
  return (new Negotiator({ headers: { accept: weighed } }).mediaType([...offered]) as T | undefined) ?? offered[0];
}

export const wantsCsv = (accept: string | string[] | undefined) => preferredType(accept, ['application/json', 'text/csv']) === 'text/csv';

/** A column: a field of the item by name, or a header and how to take its value from the item. */
export type CsvColumn<T> = string | [header: string, value: (item: T) => unknown];

/**
 * One CSV field: quoted when it holds a separator, a quote or a line break; a value that starts
 * like a formula (= + - @, tab, CR) is prefixed with ' so that a spreadsheet does not run it.
 */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const headerOf = <T>(c: CsvColumn<T>) => (typeof c === 'string' ? c : c[0]);
const valueOf = <T>(c: CsvColumn<T>, item: T) => (typeof c === 'string' ? (item as Record<string, unknown>)[c] : c[1](item));

/** Rows as CSV lines, each ending in CRLF. */
export function csvLines<T>(columns: CsvColumn<T>[], items: T[]): string {
  return items.map((item) => `${columns.map((c) => csvField(valueOf(c, item))).join(',')}\r\n`).join('');
}

/** A whole (small, already in memory) list as CSV: the BOM, the header, the rows. */
export function toCsv<T>(columns: CsvColumn<T>[], items: T[]): string {
  return `\ufeff${columns.map(headerOf).join(',')}\r\n${csvLines(columns, items)}`;
}

/**
 * A paged list as CSV, streamed: the header, then each page as it is read, the next page read only
 * when the client has taken the last (a list of 100,000 rows never sits in memory, and a slow
 * client slows the reads, not the heap). `fetchPage(cursor)` reads one page of the list after
 * `cursor` (the caller's own cursor first), as the JSON list would with that cursor.
 */
export async function csvStream<T>(columns: CsvColumn<T>[], fetchPage: (cursor: string | undefined) => Promise<Page<T>>, cursor?: string): Promise<StreamableFile> {
  // The first page is read before the answer starts: a cursor this API did not give, or a read
  // model that does not answer, is then a 400 or 503, not a 200 whose body stops after its header.
  const first = await fetchPage(cursor);
  async function* lines() {
    yield `\ufeff${columns.map(headerOf).join(',')}\r\n`;
    let page: Page<T> = first;
    for (;;) {
      if (page.items.length > 0) yield csvLines(columns, page.items);
      if (!page.nextCursor) return;
      page = await fetchPage(page.nextCursor);
    }
  }
  return new StreamableFile(Readable.from(lines(), { objectMode: false }), { type: CSV_CONTENT_TYPE });
}

/**
 * A list's answer: the page as JSON, or for `Accept: text/csv` the list as CSV. Without `limit` the
 * CSV is the whole list from `cursor` on, read in pages of CSV_PAGE_SIZE and streamed; with
 * `limit`, one page of that size, the next page's cursor in a `Next-Cursor` header.
 */
export async function listAnswer<T, V = T>(
  request: { accept: string | string[] | undefined; limit?: number; cursor?: string },
  reply: { header(name: string, value: string): unknown },
  fetchPage: (limit: number, cursor: string | undefined) => Promise<Page<T>>,
  columns: CsvColumn<V>[],
  view: (item: T) => V = (item) => item as unknown as V,
): Promise<Page<V> | StreamableFile | string> {
  const shown = async (limit: number, cursor: string | undefined): Promise<Page<V>> => {
    const page = await fetchPage(limit, cursor);
    return { items: page.items.map(view), nextCursor: page.nextCursor };
  };
  if (!wantsCsv(request.accept)) return shown(request.limit ?? 50, request.cursor);
  if (request.limit === undefined) return csvStream(columns, (cursor) => shown(CSV_PAGE_SIZE, cursor), request.cursor);
  const page = await shown(request.limit, request.cursor);
  reply.header('content-type', CSV_CONTENT_TYPE);
  if (page.nextCursor) reply.header('next-cursor', page.nextCursor);
  return toCsv(columns, page.items);
}

/** A list that is no paged list (one branch's officers, a report's rows), as CSV. */
export function csvAnswer<T>(reply: { header(name: string, value: string): unknown }, columns: CsvColumn<T>[], items: T[]): string {
  reply.header('content-type', CSV_CONTENT_TYPE);
  return toCsv(columns, items);
}

/** One figure of a nested report, for its CSV: the answer's JSON path split into columns. */
export interface ReportRow {
  /** The answer's top field (`branches`, `training`, `unitId`). */
  section: string;
  /** The field below it (`total`, `bySource`), empty for a top-level figure. */
  measure: string;
  /** The rest of the path, joined by dots (a source, a grade, `0.branchId` in a list); empty when none. */
  key: string;
  value: unknown;
}

/** The columns of a report as CSV (Accept: text/csv): one row per figure. */
export const REPORT_CSV_COLUMNS: Array<keyof ReportRow> = ['section', 'measure', 'key', 'value'];

/**
 * A report that is no list (nested objects of figures) as flat rows: every leaf value with its path,
 * in the answer's order. An empty object or list has no figure, so no row; null is an empty value.
 */
export function reportRows(report: object): ReportRow[] {
  const rows: ReportRow[] = [];
  const walk = (value: unknown, path: string[]) => {
    if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
      return;
    }
    const [section, measure = '', ...rest] = path;
    rows.push({ section, measure, key: rest.join('.'), value });
  };
  walk(report, []);
  return rows;
}
