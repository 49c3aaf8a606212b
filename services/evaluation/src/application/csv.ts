/** Lists answer `Accept: text/csv` too: UTF-8 with a BOM, so that Excel shows Vietnamese right. */
export const CSV_TYPE = 'text/csv; charset=utf-8';

export const wantsCsv = (accept: string | string[] | undefined) => String(accept ?? '').includes('text/csv');

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  // A cell that starts like a formula is quoted with a leading apostrophe: no formula injection.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function toCsv(columns: string[], rows: Array<Record<string, unknown>>): string {
  return `\ufeff${[columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n')}\r\n`;
}
