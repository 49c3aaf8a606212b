import { gradeName } from './summary-xlsx';

describe("the summary workbook's words for grades", () => {
  it("names a grade in its scale's own words: good is Khá on the classic scales, Hoàn thành tốt nhiệm vụ on the four-level one", () => {
    expect(['four-level', 'branch-classic', 'member-classic'].map((scale) => gradeName(scale, 'good'))).toEqual(['Hoàn thành tốt nhiệm vụ', 'Khá', 'Khá']);
    expect([gradeName('four-level', 'excellent'), gradeName('member-classic', 'excellent'), gradeName('branch-classic', 'strong')]).toEqual(['Hoàn thành xuất sắc nhiệm vụ', 'Xuất sắc', 'Vững mạnh']);
    expect(gradeName('four-level', 'unheard-of')).toBe('unheard-of');
  });
});
