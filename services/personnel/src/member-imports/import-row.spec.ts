import { columnsOf } from './import-columns';
import { admissionOf, BranchesInScope } from './import-row';

const scope: BranchesInScope = { unitId: 'qp', ids: new Set(['b-1']), byName: new Map() };
const header = ['Họ và tên', 'Ngày sinh', 'Giới tính', 'Ngày vào Đoàn', 'Chi đoàn'];

describe('a row of an import', () => {
  it('refuses a date that does not exist, naming both forms a sheet may write (found by a black-box probe)', async () => {
    const cells = { 'Họ và tên': 'Lò Thị Mai', 'Ngày sinh': '31/02/2003', 'Giới tính': 'Nữ', 'Ngày vào Đoàn': '26/03/2020', 'Chi đoàn': 'b-1' };
    const verdict = await admissionOf({ row: 2, cells }, columnsOf(header), scope, 'kết nạp');
    expect(verdict).toMatchObject({ verdict: 'refused', rule: 'isCalendarDate', message: expect.stringContaining('written YYYY-MM-DD or DD/MM/YYYY') });
  });

  it("names every fault of the row at once, a wrong branch's with the others, by the sheet's own columns (found by a black-box probe)", async () => {
    const cells = { 'Họ và tên': 'Lò Thị Mai', 'Ngày sinh': '31/02/2003', 'Giới tính': 'Gái', 'Ngày vào Đoàn': '26/03/2020', 'Chi đoàn': 'Chi đoàn không có' };
    const verdict = (await admissionOf({ row: 2, cells }, columnsOf(header), scope, 'kết nạp')) as { rule: string; message: string; errors: Array<{ field: string }> };
    expect([verdict.rule, verdict.errors.map((e) => e.field).sort()]).toEqual(['unknown-branch', ['branch', 'dateOfBirth', 'gender']]);
    expect(verdict.message).toMatch(/dateOfBirth \(column "Ngày sinh"\).*gender \(column "Giới tính"\).*Nam, Nữ or Khác/);
  });
});

describe("an import's columns", () => {
  it('take the column without a note when another names the same field with one, and refuse two alike (found by the review)', () => {
    expect(columnsOf([...header.slice(0, 4), 'Chi đoàn (cũ)', 'Chi đoàn']).branch).toBe('Chi đoàn');
    expect(columnsOf([...header, 'Chi đoàn (cũ)']).branch).toBe('Chi đoàn');
    expect(() => columnsOf([...header, 'CHI ĐOÀN'])).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ rule: 'column-twice' })] }));
  });
});
