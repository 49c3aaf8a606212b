import { matchesTextQuery, textKeys, textQueryFilter } from './marked-search';

describe('a text query over folded and exact keys', () => {
  const finds = (q: string, text: string) => matchesTextQuery(textKeys(text), q);

  it('typed without diacritics: any accented form', () => {
    expect(finds('thong thu', 'Chi đoàn Thông Thụ')).toBe(true);
    expect(finds('van', 'Thôn Vân')).toBe(true);
    expect(textQueryFilter('thong thu')).toEqual({ search: { $regex: 'thong thu' } });
  });

  it('typed with them: those marks, or a text kept without marks; a bare letter of the query takes any mark', () => {
    expect(finds('Văn', 'Thôn Vân')).toBe(false);
    expect(finds('Vân', 'Thôn Vân')).toBe(true);
    expect(finds('Vân', 'Thon Van')).toBe(true);
    expect(finds('thi hồng', 'Nguyễn Thị Hồng')).toBe(true);
    expect(finds('Hồng', 'Nguyễn Thị Hông')).toBe(false);
    expect(finds('ĐOÀN', 'chi đoàn')).toBe(true);
  });

  it('escapes what a pattern would read as syntax', () => {
    expect(finds('(a+', 'tổ (a+ 1')).toBe(true);
    expect(finds('(ă+', 'tổ (a+ 1')).toBe(true);
    expect(finds('(ă+', 'tổ (b+ 1')).toBe(false);
  });
});
