import ExcelJS from 'exceljs';

/** A multipart/form-data body: the file under `file`, then the text fields. */
export function multipartBody(file: Buffer, filename: string, fields: Record<string, string>): { payload: Buffer; contentType: string } {
  const boundary = `----register${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\ncontent-type: application/octet-stream\r\n\r\n`), file, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export type ImportRow = { fullName: string; dateOfBirth: string | Date; gender: string; admittedOn: string | Date; branch: string; ethnicity?: string };

export const VIETNAMESE_HEADER = ['Họ và tên', 'Ngày sinh', 'Giới tính', 'Ngày vào Đoàn', 'Chi đoàn', 'Dân tộc'];

/** An .xlsx of one sheet, the Vietnamese header first, built with exceljs as an office would. */
export async function xlsxOf(rows: ImportRow[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Đoàn viên');
  sheet.addRow(VIETNAMESE_HEADER);
  for (const r of rows) sheet.addRow([r.fullName, r.dateOfBirth, r.gender, r.admittedOn, r.branch, r.ethnicity ?? '']);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A CSV with the English header. */
export function csvOf(rows: ImportRow[]): Buffer {
  const line = (cells: string[]) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
  const text = [line(['fullName', 'dateOfBirth', 'gender', 'admittedOn', 'branch']), ...rows.map((r) => line([r.fullName, String(r.dateOfBirth), r.gender, String(r.admittedOn), r.branch]))].join('\r\n');
  return Buffer.from(`\ufeff${text}\r\n`);
}

const FAMILY = ['Lò', 'Lương', 'Vi', 'Hà', 'Nguyễn', 'Quang', 'Sầm', 'Lộc'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Thu', 'Minh'];
const GIVEN = ['Hương', 'Tuấn', 'Dũng', 'Lan', 'Mai', 'Hùng', 'Thảo', 'Phúc', 'Ngọc', 'Sơn'];

/** The n-th of a run of distinct applicants: a Vietnamese name and a birth date that makes them 18 to 25 in 2020. */
export function applicant(n: number, branch: string): ImportRow {
  const name = `${FAMILY[n % FAMILY.length]} ${MIDDLE[Math.floor(n / 8) % MIDDLE.length]} ${GIVEN[Math.floor(n / 40) % GIVEN.length]} ${n}`;
  const year = 1995 + (n % 7);
  const day = String(1 + (n % 28)).padStart(2, '0');
  return { fullName: name, dateOfBirth: `${day}/0${1 + (n % 9)}/${year}`, gender: n % 2 ? 'Nữ' : 'Nam', admittedOn: '2020-03-26', branch, ethnicity: n % 3 ? 'Thái' : 'Kinh' };
}
