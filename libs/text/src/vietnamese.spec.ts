import { foldDiacritics, normaliseName, searchKey, searchPattern } from './vietnamese';

describe('Vietnamese names', () => {
  it('folds tone and vowel marks and đ, so that a plain query matches', () => {
    expect(foldDiacritics('Chi đoàn thôn Thông Thụ')).toBe('chi doan thon thong thu');
    expect(foldDiacritics('ĐOÀN TNCS HỒ CHÍ MINH')).toBe('doan tncs ho chi minh');
    expect(searchKey('Thông Thụ', 'Quế Phong')).toContain('thong thu');
  });

  it('treats precomposed and combining forms as one name', () => {
    const combining = 'Tho\u0302ng Thu\u0323';
    expect(normaliseName(combining)).toBe('Thông Thụ');
    expect(normaliseName('  Bản   Na  Ca ')).toBe('Bản Na Ca');
  });

  it('reads Ð and ð (older encodings\' Đ and đ) and Ɖ, ɖ as Đ and đ, in storage and in search', () => {
    expect(normaliseName('\u00D0ặng Thị \u00D0ào, Ɖinh ɖức, Lê ð')).toBe('Đặng Thị Đào, Đinh đức, Lê đ');
    expect(foldDiacritics('\u00D0ặng Thị \u00D0ào ɖức')).toBe('dang thi dao duc');
  });

  it('escapes what a user types before it becomes a pattern', () => {
    expect(new RegExp(searchPattern('thôn (1)')).test('thon (1)')).toBe(true);
  });
});
