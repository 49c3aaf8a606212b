import { ValidationFailed } from '@register/service-kit';

/** The fields an admission takes from a row, and how a header may name each, in Vietnamese or English. */
const COLUMNS = {
  fullName: ['họ và tên', 'họ tên', 'fullname', 'full name'],
  dateOfBirth: ['ngày sinh', 'ngày tháng năm sinh', 'dateofbirth', 'date of birth'],
  gender: ['giới tính', 'gender'],
  admittedOn: ['ngày vào đoàn', 'ngày kết nạp', 'admittedon', 'admitted on'],
  branch: ['chi đoàn', 'branch', 'branchid', 'branch id'],
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

/** Which header cell holds each field; 400 naming every required column the header lacks. */
export function columnsOf(header: string[]): Partial<Record<ImportField, string>> {
  const found: Partial<Record<ImportField, string>> = {};
  for (const cell of header) {
    const field = (Object.keys(COLUMNS) as ImportField[]).find((f) => (COLUMNS[f] as readonly string[]).includes(fold(cell)));
    if (field && found[field] === undefined) found[field] = cell;
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
    out[field] = field === 'dateOfBirth' || field === 'admittedOn' ? isoDate(value) : field === 'gender' ? (GENDER_WORDS[fold(value)] ?? value) : value;
  }
  return out;
}

