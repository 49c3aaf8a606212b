import { ValidationFailed } from '@register/service-kit';
import { foldDiacritics } from '@register/text';

/** The fields an admission takes from a row, and how a header may name each, in Vietnamese or English. */
const COLUMNS = {
  fullName: ['họ và tên', 'họ tên', 'fullname', 'full name'],
  dateOfBirth: ['ngày sinh', 'ngày tháng năm sinh', 'dateofbirth', 'date of birth'],
  gender: ['giới tính', 'gender'],
  admittedOn: ['ngày vào đoàn', 'ngày kết nạp', 'admittedon', 'admitted on'],
  branch: ['chi đoàn', 'tên chi đoàn', 'branch', 'branchid', 'branch id'],
  ethnicity: ['dân tộc', 'ethnicity'],
  phone: ['số điện thoại', 'điện thoại', 'phone'],
  nationalId: ['số cccd', 'cccd', 'căn cước công dân', 'số căn cước', 'nationalid', 'national id'],
} as const;

export type ImportField = keyof typeof COLUMNS;
const REQUIRED: ImportField[] = ['fullName', 'dateOfBirth', 'gender', 'admittedOn', 'branch'];
const LABELS: Record<ImportField, string> = {
  fullName: 'Họ và tên / fullName',
  dateOfBirth: 'Ngày sinh / dateOfBirth',
  gender: 'Giới tính / gender',
  admittedOn: 'Ngày vào Đoàn / admittedOn',
  branch: 'Chi đoàn / branch',
  ethnicity: 'Dân tộc / ethnicity',
  phone: 'Số điện thoại / phone',
  nationalId: 'Số CCCD / nationalId',
};

const fold = (text: string) => text.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim();

/**
 * A header cell as the columns are compared: its first line, before a note in brackets ("Họ và tên
 * (ghi rõ)"), without commas, in lower case and without diacritics ("HO VA TEN", "Ngày, tháng, năm
 * sinh"): offices write their headers many ways (a probe's were refused).
 */
const headerKey = (text: string) => foldDiacritics(fold(text.split(/[\n(]/)[0].replace(/,/g, ' ')));
const KEYS = Object.fromEntries((Object.keys(COLUMNS) as ImportField[]).map((f) => [f, new Set((COLUMNS[f] as readonly string[]).map(headerKey))])) as Record<ImportField, Set<string>>;
const fieldOfHeader = (cell: string) => (Object.keys(COLUMNS) as ImportField[]).find((f) => KEYS[f].has(headerKey(cell)));

/** A header cell with a note: a second line, or words in brackets. */
const hasNote = (cell: string) => /[\n(]/.test(cell);

/** Whether a row names every required column: the header, which may follow a title row or two. */
export const isHeaderRow = (cells: string[]) => REQUIRED.every((f) => cells.some((c) => fieldOfHeader(c) === f));

/** Which header cell holds each field; 400 naming every required column the header lacks. */
export function columnsOf(header: string[]): Partial<Record<ImportField, string>> {
  const found: Partial<Record<ImportField, string>> = {};
  for (const cell of header) {
    const field = fieldOfHeader(cell);
    if (!field) continue;
    const before = found[field];
    // Two columns for one field: the one without a note ("Chi đoàn" beside "Chi đoàn (cũ)") is it;
    // else which one holds the list is the officer's to say (the last one was taken silently).
    if (before !== undefined && hasNote(before) === hasNote(cell)) {
      throw new ValidationFailed([{ field: `file.columns.${field}`, rule: 'column-twice', message: `two columns name ${LABELS[field]} ("${before}" and "${cell}"): keep one` }]);
    }
    if (before === undefined || hasNote(before)) found[field] = cell;
  }
  const missing = REQUIRED.filter((f) => found[f] === undefined);
  if (missing.length > 0) {
    throw new ValidationFailed(
      missing.map((f) => ({ field: `file.columns.${f}`, rule: 'header', message: `the first row must name a column ${LABELS[f]} (found: ${header.filter(Boolean).join(', ') || 'nothing'})` })),
    );
  }
  return found;
}

const GENDER_WORDS: Record<string, string> = { nam: 'male', male: 'male', 'nữ': 'female', nu: 'female', female: 'female', 'khác': 'other', other: 'other' };

/** A date as the register spells it: YYYY-MM-DD as it is, DD/MM/YYYY (or with - or .) turned round; anything else left for validation to refuse. */
export function isoDate(text: string): string {
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text.trim());
  return m ? `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` : text.trim();
}

/** A row's cells as the fields of an admission (branch still a name or an id); empty optional cells left out. */
export function fieldsOf(cells: Record<string, string>, columns: Partial<Record<ImportField, string>>): Partial<Record<ImportField, string>> {
  const out: Partial<Record<ImportField, string>> = {};
  for (const [field, column] of Object.entries(columns) as Array<[ImportField, string]>) {
    const value = (cells[column] ?? '').trim();
    if (value === '') continue;
    out[field] = field === 'dateOfBirth' || field === 'admittedOn' ? isoDate(value) : field === 'gender' ? (GENDER_WORDS[fold(value)] ?? value) : field === 'phone' || field === 'nationalId' ? leadingZero(field, value) : value;
  }
  return out;
}

/**
 * A phone or ID number Excel kept as a number lost its leading 0 (912345678 for 0912345678; an
 * 11-digit CCCD for 12): given back, as every Vietnamese phone number and CCCD begins with 0.
 */
function leadingZero(field: 'phone' | 'nationalId', value: string): string {
  if (!/^[1-9]\d*$/.test(value)) return value;
  const lengths = field === 'phone' ? [9, 10] : [8, 11];
  return lengths.includes(value.length) ? `0${value}` : value;
}

