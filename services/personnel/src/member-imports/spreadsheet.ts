import { HttpException, HttpStatus } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Open } from 'unzipper';
import { ValidationFailed } from '@register/service-kit';

/** The largest file an import takes (documented in docs/member-imports.md). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/** The most rows one import takes. */
export const MAX_IMPORT_ROWS = 10_000;

/** One data row: its number in the sheet (the header is row 1) and its cells by column name. */
export interface SheetRow {
  row: number;
  cells: Record<string, string>;
  /** The columns whose cell holds a formula with no saved result (read empty): a refusal of the row says so. */
  formulas?: string[];
}

/** A visible sheet of the workbook other than the one read, that holds rows: the answer names it (a probe's tabs per hamlet were left out unsaid). */
export interface OtherSheet {
  name: string;
  rows: number;
}

/** What the import read: the sheet's name (an .xlsx), and the workbook's other visible sheets that hold rows. */
export interface SheetsRead {
  sheet: string | null;
  otherSheets: OtherSheet[];
}

/** A file that is neither an .xlsx workbook nor UTF-8 CSV text. */
export class NotASpreadsheet extends HttpException {
  constructor(detail: string) {
    super(detail, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
  }
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** An OLE2 compound file: Excel 97–2003's .xls (and Word's .doc), still common in commune offices. */
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** How many of the first rows may be titles above the header. */
const HEADER_SEARCH = 10;

/** The rows of an .xlsx (its first visible sheet, hidden rows left out) or a CSV file, as text, the first non-empty row being the header. */
export async function readSheet(file: Buffer, isHeader: (cells: string[]) => boolean = () => true): Promise<{ header: string[]; rows: SheetRow[]; hiddenRows: number[] } & SheetsRead> {
  const hiddenRows: number[] = [];
  const sheets: SheetsRead = { sheet: null, otherSheets: [] };
  // Said as what it is: it was refused as text that is not UTF-8, which pointed at an encoding (a probe).
  if (file.subarray(0, 8).equals(OLE2_MAGIC)) throw new NotASpreadsheet('the file is an Excel 97–2003 workbook (.xls), which the import does not read: open it in Excel and save it as "Excel Workbook (.xlsx)" or "CSV UTF-8"');
  const table = file.subarray(0, 4).equals(ZIP_MAGIC) ? await xlsxTable(file, hiddenRows, sheets) : csvTable(file);
  const filled = table.flatMap((r, i) => (r.cells.some((c) => c !== '') ? [i] : []));
  if (filled.length === 0) throw new ValidationFailed([{ field: 'file', rule: 'header', message: 'the file holds no rows' }]);
  // The header is the first of the first rows that names the columns (a title or two above it are
  // usual), else the first row, whose missing columns the refusal then names.
  const first = filled.slice(0, HEADER_SEARCH).find((i) => isHeader(table[i].cells)) ?? filled[0];
  const header = table[first].cells;
  const rows = table
    .slice(first + 1)
    .filter((r) => r.cells.some((c) => c !== ''))
    .map((r) => ({ row: r.row, cells: Object.fromEntries(header.map((h, i) => [h, r.cells[i] ?? ''])), ...formulasOf(r, header) }));
  if (rows.length > MAX_IMPORT_ROWS) throw new ValidationFailed([{ field: 'file', rule: 'max-rows', message: `an import takes at most ${MAX_IMPORT_ROWS} rows; this file has ${rows.length}` }]);
  return { header, rows, hiddenRows: hiddenRows.filter((n) => n > table[first].row), ...sheets };
}

/** Where a refusal of the header was read, when the workbook has other sheets with rows: the list may be on one of them. */
export function sheetNote({ sheet, otherSheets }: SheetsRead): string {
  if (sheet === null || otherSheets.length === 0) return '';
  return ` (read from the sheet "${sheet}", the workbook's first visible one; its other sheets with rows: ${otherSheets.map((o) => `"${o.name}" (${o.rows} rows)`).join(', ')}: hide the sheets that are not the list, or send the list's sheet alone)`;
}

/** `unsaved`: the columns (from 0) whose cell holds a formula with no saved result. */
type Table = Array<{ row: number; cells: string[]; unsaved?: number[] }>;

/**
 * The named columns of a row whose cell holds a formula with no saved result: it reads empty, and the
 * row was refused as "is required" with no word of why (a probe). Its refusal now says so; the file
 * is not refused whole, since Excel saves a formula whose result is empty text ("") so too, and a
 * first form of the fix refused such a file for an empty optional column (a re-probe).
 */
function formulasOf(r: Table[number], header: string[]): Pick<SheetRow, 'formulas'> {
  const named = (r.unsaved ?? []).map((i) => header[i] ?? '').filter((h) => h !== '');
  return named.length ? { formulas: named } : {};
}

/**
 * How large a workbook may unpack to. 10,000 rows of a member list unpack to a few megabytes; a
 * 250 KB file whose one cell held 250 MB of text made the server hold a gigabyte more (a probe).
 */
export const MAX_UNPACKED_BYTES = 50 * 1024 * 1024;

const tooLarge = (bytes: number) =>
  new HttpException(`the workbook unpacks to more than ${Math.floor(bytes / 1024 / 1024)} MB, beyond the ${MAX_UNPACKED_BYTES / 1024 / 1024} MB an import reads: a member list of 10,000 rows unpacks to a few`, HttpStatus.PAYLOAD_TOO_LARGE);

/**
 * Refuses a workbook that unpacks beyond MAX_UNPACKED_BYTES (413): first by the sizes its directory
 * declares, then by unpacking it once, counting, and stopping at the limit, since a directory can
 * lie and exceljs inflates each part whole before it compares (a reviewer's finding).
 */
async function checkUnpackedSize(file: Buffer): Promise<void> {
  let files: Awaited<ReturnType<typeof Open.buffer>>['files'];
  try {
    files = (await Open.buffer(file)).files;
  } catch {
    throw new NotASpreadsheet('the file is a zip archive but not an .xlsx workbook');
  }
  const declared = files.reduce((sum, f) => sum + f.uncompressedSize, 0);
  if (declared > MAX_UNPACKED_BYTES) throw tooLarge(declared);
  let unpacked = 0;
  for (const entry of files) {
    for await (const chunk of entry.stream()) {
      unpacked += (chunk as Buffer).length;
      if (unpacked > MAX_UNPACKED_BYTES) throw tooLarge(unpacked);
    }
  }
}

async function xlsxTable(file: Buffer, hiddenRows: number[], sheets: SheetsRead): Promise<Table> {
  await checkUnpackedSize(file);
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    throw new NotASpreadsheet('the file is a zip archive but not an .xlsx workbook');
  }
  // The first sheet a reader sees, and the rows a reader sees: a hidden sheet (an old list kept
  // aside) or hidden rows (people who left) are not the list (a probe had both imported).
  const sheet = book.worksheets.find((s) => s.state === 'visible' || s.state === undefined);
  // A zip with no worksheet at all is no workbook (a Word .docx was called "a workbook with no visible sheet": a probe).
  if (book.worksheets.length === 0) throw new NotASpreadsheet('the file is a zip archive but not an .xlsx workbook: it holds no worksheet (a Word .docx?)');
  if (!sheet) throw new NotASpreadsheet('the workbook has no visible sheet');
  sheets.sheet = sheet.name;
  sheets.otherSheets = book.worksheets.filter((s) => s !== sheet && s.state !== 'hidden' && s.state !== 'veryHidden' && s.actualRowCount > 0).map((s) => ({ name: s.name, rows: s.actualRowCount }));
  const table: Table = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    if (row.hidden) return void hiddenRows.push(number);
    const cells: string[] = [];
    const unsaved: number[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      if (isUnsavedFormula(cell.value)) unsaved.push(col - 1);
      cells[col - 1] = cellText(cell.value);
    });
    table.push({ row: number, cells: Array.from(cells, (c) => c ?? ''), ...(unsaved.length ? { unsaved } : {}) });
  });
  return table;
}

const isUnsavedFormula = (value: ExcelJS.CellValue) =>
  typeof value === 'object' && value !== null && ('formula' in value || 'sharedFormula' in value) && ((value as { result?: unknown }).result === undefined || (value as { result?: unknown }).result === null);

/** A cell as text: a date cell as YYYY-MM-DD (Excel keeps dates as UTC midnight), rich text joined, a formula by its result. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('').trim();
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text).trim();
    return '';
  }
  return String(value).trim();
}

/** What to do with a text file that is not UTF-8: save it again as Excel's "CSV UTF-8". */
const SAVE_AS_UTF8 = 'save it from Excel as "CSV UTF-8 (Comma delimited)", or send the .xlsx';

function csvTable(file: Buffer): Table {
  // Excel's "Unicode text" is UTF-16 (a probe's was refused with no word of why).
  if (file.subarray(0, 2).equals(Buffer.from([0xff, 0xfe])) || file.subarray(0, 2).equals(Buffer.from([0xfe, 0xff]))) {
    throw new NotASpreadsheet(`the file is UTF-16 text (Excel's "Unicode text"): ${SAVE_AS_UTF8}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(file);
  } catch {
    throw new NotASpreadsheet(`the file is neither an .xlsx workbook nor UTF-8 CSV text (Windows-1258 or TCVN3 text reads so): ${SAVE_AS_UTF8}`);
  }
  // eslint-disable-next-line no-control-regex -- NUL and other binary control characters mean the file is not text
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) throw new NotASpreadsheet('the file is neither an .xlsx workbook nor CSV text');
  // Excel's first line "sep=;" names the separator, and is no row.
  const declared = /^sep=(.)\r?\n/i.exec(text);
  const offset = declared ? 1 : 0;
  if (declared) text = text.slice(declared[0].length);
  // One line ending for the whole file: the parser takes the first line's, so a header ending CRLF
  // over rows ending LF read the rows as one multi-line cell, and they vanished unrefused (a probe).
  text = text.replace(/\r\n?/g, '\n');
  const delimiter = declared?.[1] ?? separatorOf(text);
  try {
    // A record is a row of the sheet, as a spreadsheet opens the file: one whose cell spans lines is
    // one row, an empty line is a row too (readSheet leaves it out). Its line count misnumbered them.
    const records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false, trim: true }) as string[][];
    return records.map((cells, i) => ({ row: i + 1 + offset, cells }));
  } catch (error) {
    throw new ValidationFailed([{ field: 'file', rule: 'csv', message: `the CSV cannot be read: ${(error as Error).message}` }]);
  }
}

/**
 * The separator that reads the first ten lines into rows of one width most often (the header and
 * the rows under it), quotes as CSV has them: a title line above the header, with no separator or
 * with commas in it, and a quoted note holding commas in a ';' file, do not decide it (probes found
 * both). Ties go to the wider rows, then to the comma.
 */
function separatorOf(text: string): string {
  let best = { delimiter: ',', rows: 0, width: 0 };
  for (const delimiter of [',', ';', '\t']) {
    const widths = firstRows(text, delimiter).map((cells) => cells.length).filter((n) => n > 1);
    for (const width of new Set(widths)) {
      const rows = widths.filter((n) => n === width).length;
      if (rows > best.rows || (rows === best.rows && width > best.width)) best = { delimiter, rows, width };
    }
  }
  return best.delimiter;
}

function firstRows(text: string, delimiter: string): string[][] {
  try {
    return parse(text, { delimiter, to_line: 10, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as string[][];
  } catch {
    return [];
  }
}
