import { readSheet } from './spreadsheet';

describe("an import's rows", () => {
  const csv = (text: string) => Buffer.from(text, 'utf8');
  const numbered = async (text: string) => (await readSheet(csv(text))).rows.map((r) => [r.row, r.cells.fullName]);

  it('are numbered as a spreadsheet opens the file: a cell over two lines is one row, LF or CR LF (a black-box probe saw every later row one or two too high)', async () => {
    for (const eol of ['\n', '\r\n']) {
      expect(await numbered(`fullName,dateOfBirth${eol}"Lữ Thị${eol}Xoan",2003-08-02${eol}Lô Thị Mai,2015-01-01${eol}`)).toEqual([
        [2, `Lữ Thị${eol}Xoan`],
        [3, 'Lô Thị Mai'],
      ]);
    }
  });

  it('count an empty line as a row, and leave it out', async () => {
    expect(await numbered('fullName\r\nA\r\n\r\nB\r\n')).toEqual([
      [2, 'A'],
      [4, 'B'],
    ]);
  });
});
