import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { csvAnswer, csvField, csvStream, listAnswer, preferredType, REPORT_CSV_COLUMNS, reportRows, wantsCsv } from './csv';
import { encodeCursor, Page } from './paging';

/** A list of `total` rows served page by page, made as asked: none of it exists before its page is read. */
function pagedList(total: number) {
  const fetched: number[] = [];
  const fetchPage = async (cursor: string | undefined, size = 500): Promise<Page<{ id: string; fullName: string }>> => {
    const from = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
    fetched.push(from);
    const items = Array.from({ length: Math.min(size, total - from) }, (_, i) => ({ id: `m-${from + i}`, fullName: `Lò Thị Hương ${from + i}` }));
    return { items, nextCursor: from + size < total ? encodeCursor(String(from + size)) : null };
  };
  return { fetched, fetchPage };
}

const streamOf = (file: { getStream(): Readable }) => file.getStream();

describe('CSV of a list', () => {
  it('quotes separators, quotes and line breaks, and defuses what a spreadsheet would run', () => {
    expect(['a,b', 'say "hi"', 'two\r\nlines', '=SUM(A1)', '+1', '-2', '@x', 'Nguyễn Thị Ánh', null, { a: 1 }].map(csvField)).toEqual([
      '"a,b"',
      '"say ""hi"""',
      '"two\r\nlines"',
      "'=SUM(A1)",
      "'+1",
      "'-2",
      "'@x",
      'Nguyễn Thị Ánh',
      '',
      '"{""a"":1}"',
    ]);
  });

  it('streams 100,000 rows page after page, reading a page only when the last one was taken', async () => {
    const { fetched, fetchPage } = pagedList(100_000);
    const stream = streamOf(await csvStream(['id', 'fullName'], (cursor) => fetchPage(cursor)));
    const chunks: string[] = [];
    let most = 0;
    for await (const chunk of stream) {
      chunks.push(String(chunk));
      // Never more than a page or two ahead of what the reader has taken.
      most = Math.max(most, fetched.length * 500 - (chunks.length - 1) * 500);
    }
    expect(fetched).toHaveLength(200);
    expect(most).toBeLessThanOrEqual(1000);
    const text = chunks.join('');
    expect(text.startsWith('\ufeffid,fullName\r\n')).toBe(true);
    const rows = parse(text, { bom: true, columns: true }) as Array<{ id: string; fullName: string }>;
    expect(rows).toHaveLength(100_000);
    expect(rows[99_999]).toEqual({ id: 'm-99999', fullName: 'Lò Thị Hương 99999' });
  });

  it('reads the first page before the answer starts: a refused cursor is thrown, not a stream cut after its header', async () => {
    const refused = new Error('cursor must be a nextCursor this API returned');
    await expect(csvStream(['id'], () => Promise.reject(refused), 'made-up')).rejects.toBe(refused);
  });

  it('pulls nothing past what a slow reader has taken', async () => {
    const { fetched, fetchPage } = pagedList(100_000);
    const stream = streamOf(await csvStream(['id'], (cursor) => fetchPage(cursor)));
    const reader = stream[Symbol.asyncIterator]();
    await reader.next(); // the header
    await reader.next(); // the first page
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fetched.length).toBeLessThanOrEqual(3);
    stream.destroy();
  });

  it('answers JSON without Accept: text/csv, one page with Next-Cursor for a limit, the whole list from the cursor on without one', async () => {
    const headers: Record<string, string> = {};
    const reply = { header: (name: string, value: string) => (headers[name] = value) };
    const { fetchPage } = pagedList(1200);
    const page = (limit: number, cursor: string | undefined) => fetchPage(cursor, limit);
    expect(await listAnswer({ accept: 'application/json', limit: 2 }, reply, page, ['id'])).toMatchObject({ items: [{ id: 'm-0' }, { id: 'm-1' }], nextCursor: expect.any(String) });
    const one = await listAnswer({ accept: 'text/csv', limit: 3 }, reply, page, ['id']);
    expect(one).toBe('\ufeffid\r\nm-0\r\nm-1\r\nm-2\r\n');
    expect(headers).toEqual({ 'content-type': 'text/csv; charset=utf-8', 'next-cursor': encodeCursor('3') });
    const rest = (await listAnswer({ accept: 'text/csv', cursor: encodeCursor('700') }, reply, page, ['id'])) as { getStream(): Readable };
    const text = (await rest.getStream().toArray()).join('');
    expect(text.split('\r\n').slice(0, 2)).toEqual(['\ufeffid', 'm-700']);
    expect(text.trim().split('\r\n')).toHaveLength(1 + 500);
  });
});

describe('CSV of a nested report', () => {
  it('is one row per figure: section, measure, key (the rest of the path), value', () => {
    const report = { unitId: 'qc', branches: { total: 84 }, secretaries: { bySource: { teacher: 9 } }, ratingsByScale: { members: { 'member-classic': { good: 3 } } }, empty: {}, vacancies: { items: [{ branchId: 'b1', vacantUntil: null }] } };
    expect(reportRows(report)).toEqual([
      { section: 'unitId', measure: '', key: '', value: 'qc' },
      { section: 'branches', measure: 'total', key: '', value: 84 },
      { section: 'secretaries', measure: 'bySource', key: 'teacher', value: 9 },
      { section: 'ratingsByScale', measure: 'members', key: 'member-classic.good', value: 3 },
      { section: 'vacancies', measure: 'items', key: '0.branchId', value: 'b1' },
      { section: 'vacancies', measure: 'items', key: '0.vacantUntil', value: null },
    ]);
    const headers: Record<string, string> = {};
    const text = csvAnswer({ header: (n: string, v: string) => (headers[n] = v) }, REPORT_CSV_COLUMNS, reportRows({ branches: { total: 84 } }));
    expect(headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(text).toBe('\ufeffsection,measure,key,value\r\nbranches,total,,84\r\n');
  });
});

describe('the answer type a caller prefers (Accept, weighed as HTTP weighs it)', () => {
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  it.each([
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['application/json', false],
    ['text/csv', true],
    ['TEXT/CSV', true],
    ['text/csv; charset=utf-8', true],
    ['text/csv;header=present', true],
    ['text/csv; charset=utf-8; q=0', false],
    ['application/json, text/csv;q=0.1', false],
    ['text/csv;q=0', false],
    ['application/json;q=0.5, text/csv', true],
    [['text/csv', 'application/json;q=0.2'], true],
    ['application/xml', false],
  ])('Accept %j asks for CSV: %s', (accept, csv) => expect(wantsCsv(accept as string | string[] | undefined)).toBe(csv));

  it('chooses among a report\'s three types, JSON first when nothing is preferred', () => {
    const offered = ['application/json', XLSX, 'text/csv'] as const;
    expect(preferredType(`${XLSX}`, offered)).toBe(XLSX);
    expect(preferredType(`application/json, ${XLSX};q=0.1`, offered)).toBe('application/json');
    expect(preferredType(`text/csv, ${XLSX};q=0.5`, offered)).toBe('text/csv');
    expect(preferredType('image/png', offered)).toBe('application/json');
  });
});
