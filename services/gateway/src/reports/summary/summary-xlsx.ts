import ExcelJS from 'exceljs';
import { GradeCounts, UnitSummary } from './summary';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The union's own words for the sources of secretaries and the grades, as district offices write them. */
const SOURCE_NAMES: Record<string, string> = {
  'civil-servant': 'Cán bộ, công chức', teacher: 'Giáo viên', 'demobilised-soldier': 'Quân nhân xuất ngũ', 'young-party-member': 'Đảng viên trẻ',
  'public-body-cadre': 'Viên chức', 'commune-police': 'Công an xã', militia: 'Dân quân', 'business-member': 'Đoàn viên doanh nghiệp',
  'commune-administrative-branch': 'Chi đoàn khối hành chính xã', other: 'Khác',
};
/** Each scale's own words: `good` is "Khá" on the classic scales and "Hoàn thành tốt nhiệm vụ" on the four-level one. */
const GRADE_NAMES: Record<string, Record<string, string>> = {
  'four-level': { excellent: 'Hoàn thành xuất sắc nhiệm vụ', good: 'Hoàn thành tốt nhiệm vụ', completed: 'Hoàn thành nhiệm vụ', 'not-completed': 'Không hoàn thành nhiệm vụ' },
  'branch-classic': { strong: 'Vững mạnh', good: 'Khá', average: 'Trung bình', weak: 'Yếu' },
  'member-classic': { excellent: 'Xuất sắc', good: 'Khá', average: 'Trung bình', weak: 'Yếu' },
};
export const gradeName = (scale: string, grade: string): string => GRADE_NAMES[scale]?.[grade] ?? grade;
const SCALE_NAMES: Record<string, string> = { 'four-level': 'Bốn mức', 'branch-classic': 'Chi đoàn (trước 2023)', 'member-classic': 'Đoàn viên (trước 2023)' };

/** One section: a sheet with its Vietnamese headers and its rows. */
type Section = { name: string; headers: string[]; rows: Array<Array<string | number>> };

/** A figure per row: what it counts in Vietnamese, its field in the API, its value. */
const figures = (rows: Array<[string, string, number]>) => ({ headers: ['Chỉ tiêu', 'Trường', 'Số lượng'], rows });

function ratingRows(subject: string, counts: GradeCounts): Array<Array<string | number>> {
  return Object.entries(counts).flatMap(([scale, grades]) =>
    Object.entries(grades).map(([grade, n]) => [subject, SCALE_NAMES[scale] ?? scale, scale, gradeName(scale, grade), grade, n]),
  );
}

function sections(s: UnitSummary): Section[] {
  return [
    { name: 'Thông tin', headers: ['Đơn vị', 'Mã đơn vị', 'Năm', 'Tính đến ngày', 'Xếp loại, khen thưởng tính đến', 'Theo dữ liệu đã ghi đến'], rows: [[s.unitName ?? s.unitId, s.unitId, s.year, s.asOf, s.decisionsAsOf ?? 'mọi quyết định đã ghi đến nay', s.knownAt ?? 'nay']] },
    { name: 'Chi đoàn', ...figures([['Tổng số chi đoàn', 'total', s.branches.total], ['Chi đoàn khu dân cư', 'residential', s.branches.residential], ['Chi đoàn chưa có bí thư', 'withoutSecretary', s.branches.withoutSecretary], ['Chi đoàn chưa có đoàn viên', 'withoutMembers', s.branches.withoutMembers]]) },
    { name: 'Đoàn viên', ...figures([['Tổng số đoàn viên', 'total', s.members.total], ['Kết nạp trong năm', 'admittedInYear', s.members.admittedInYear], ['Đi làm ăn, học tập xa', 'away', s.members.away]]) },
    { name: 'Bí thư', headers: ['Nguồn', 'Trường', 'Số lượng'], rows: [['Tổng số bí thư', 'total', s.secretaries.total], ...Object.entries(s.secretaries.bySource).map(([k, n]) => [SOURCE_NAMES[k] ?? k, k, n])] },
    { name: 'Xếp loại', headers: ['Đối tượng', 'Thang xếp loại', 'Mã thang', 'Mức xếp loại', 'Mã mức', 'Số lượng'], rows: [...ratingRows('Chi đoàn', s.ratingsByScale.branches), ...ratingRows('Đoàn viên', s.ratingsByScale.members)] },
    { name: 'Tập huấn', ...figures([['Số lớp tập huấn', 'courses', s.training.courses], ['Số lượt học viên', 'participants', s.training.participants], ['Số bí thư', 'secretaries', s.training.secretaries], ['Số bí thư được tập huấn', 'secretariesTrained', s.training.secretariesTrained], ['Tỷ lệ bí thư được tập huấn', 'rate', s.training.rate]]) },
    { name: 'Giới thiệu Đảng', ...figures([['Đoàn viên ưu tú giới thiệu cho Đảng', 'introduced', s.party.introduced], ['Được kết nạp vào Đảng', 'admitted', s.party.admitted]]) },
    { name: 'Khen thưởng', ...figures([['Số lượt khen thưởng', 'commendations', s.commendations]]) },
  ];
}

/** The summary as a workbook, one sheet per section, headers in Vietnamese (with the API's field names beside them). */
export async function summaryWorkbook(summary: UnitSummary): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Union Register';
  for (const section of sections(summary)) {
    const sheet = book.addWorksheet(section.name);
    sheet.addRow(section.headers).font = { bold: true };
    sheet.addRows(section.rows);
    sheet.columns.forEach((c) => (c.width = 28));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
