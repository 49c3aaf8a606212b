import { MAX_UNPACKED_BYTES, readSheet } from './spreadsheet';

describe("an import's rows", () => {
  const csv = (text: string) => Buffer.from(text, 'utf8');
  const numbered = async (text: string) => (await readSheet(csv(text))).rows.map((r) => [r.row, r.cells.fullName]);

  it('are numbered as a spreadsheet opens the file: a cell over two lines is one row, LF, CR LF or both in one file (a black-box probe saw every later row one or two too high; another, rows vanish)', async () => {
    // Every line ending reads as one (LF), in a cell too.
    for (const [eol, inCell] of [['\n', '\n'], ['\r\n', '\r\n'], ['\r\n', '\n'], ['\n', '\r\n']]) {
      expect(await numbered(`fullName,dateOfBirth${eol}"Lữ Thị${inCell}Xoan",2003-08-02${eol}Lô Thị Mai,2015-01-01${eol}`)).toEqual([
        [2, 'Lữ Thị\nXoan'],
        [3, 'Lô Thị Mai'],
      ]);
    }
  });

  it("take Excel's sep= line for the separator, not the header, and keep Excel's row numbers (found by a black-box probe)", async () => {
    const { header, rows } = await readSheet(Buffer.from('sep=;\r\nHọ và tên;Chi đoàn\r\nLò Thị A;b-1\r\n'));
    expect([header, rows]).toEqual([['Họ và tên', 'Chi đoàn'], [{ row: 3, cells: { 'Họ và tên': 'Lò Thị A', 'Chi đoàn': 'b-1' } }]]);
  });

  it('take the separator that splits the header, under a title line that holds none (";" or tab, found by a black-box probe)', async () => {
    for (const sep of [';', '\t']) {
      const { header, rows } = await readSheet(Buffer.from(`\ufeffDANH SÁCH KẾT NẠP, NĂM 2026\r\nHọ và tên${sep}Ngày sinh${sep}Chi đoàn\r\nLò Thị Mười${sep}05/05/2008${sep}Chi đoàn bản Hương Bắc\r\n`), (cells) => cells.includes('Họ và tên'));
      expect(header).toEqual(['Họ và tên', 'Ngày sinh', 'Chi đoàn']);
      expect(rows).toEqual([{ row: 3, cells: { 'Họ và tên': 'Lò Thị Mười', 'Ngày sinh': '05/05/2008', 'Chi đoàn': 'Chi đoàn bản Hương Bắc' } }]);
    }
  });

  it('take the separator of the rows, not of a quoted note or a title with commas (found by a black-box probe)', async () => {
    const header = (cells: string[]) => cells.includes('Họ và tên');
    const quoted = await readSheet(Buffer.from('Họ và tên;Ngày sinh;Ghi chú\r\nLò Thị Mười;05/05/2008;"chuyển từ bản A, xã B, huyện C"\r\nLò Văn Hai;06/06/2007;\r\n'), header);
    expect(quoted.rows[0].cells).toEqual({ 'Họ và tên': 'Lò Thị Mười', 'Ngày sinh': '05/05/2008', 'Ghi chú': 'chuyển từ bản A, xã B, huyện C' });
    const titled = await readSheet(Buffer.from('DANH SÁCH, KẾT NẠP, NĂM 2026, XÃ A, HUYỆN B, TỈNH C\r\nHọ và tên;Ngày sinh\r\nLò Thị Mười;05/05/2008\r\nLò Văn Hai;06/06/2007\r\n'), header);
    expect(titled.header).toEqual(['Họ và tên', 'Ngày sinh']);
    const commas = await readSheet(Buffer.from('Họ và tên,Ngày sinh,Ghi chú\r\nLò Thị Mười,05/05/2008,"a; b"\r\n'), header);
    expect(commas.rows[0].cells['Ghi chú']).toBe('a; b');
  });

  it('say what to do with UTF-16 or Windows-1258 text: save it as CSV UTF-8', async () => {
    await expect(readSheet(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Họ và tên\r\n', 'utf16le')]))).rejects.toMatchObject({ status: 415, message: expect.stringMatching(/UTF-16.*CSV UTF-8/) });
    await expect(readSheet(Buffer.from('H\xf4 t\xean\r\n', 'latin1'))).rejects.toMatchObject({ status: 415, message: expect.stringMatching(/CSV UTF-8/) });
  });

  it('say that an Excel 97–2003 workbook (.xls) is one, and how to save it (a probe was pointed at an encoding)', async () => {
    const ole2 = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    await expect(readSheet(ole2)).rejects.toMatchObject({ status: 415, message: expect.stringMatching(/97–2003.*\.xlsx/) });
  });

  it('count an empty line as a row, and leave it out', async () => {
    expect(await numbered('fullName\r\nA\r\n\r\nB\r\n')).toEqual([
      [2, 'A'],
      [4, 'B'],
    ]);
  });
});

/** A zip's central directory header: its entry's uncompressed size is the 4 bytes at 24. */
const CENTRAL_HEADER = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

describe('a workbook of several sheets, and a zip that is none', () => {
  const workbook = async (sheets: Array<[string, string[][], ('hidden' | 'visible')?]>) => {
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    for (const [name, rows, state] of sheets) {
      const sheet = book.addWorksheet(name);
      sheet.addRows(rows);
      if (state) sheet.state = state;
    }
    return Buffer.from(await book.xlsx.writeBuffer());
  };

  it("reads the first visible sheet, and names the other visible sheets that hold rows (a probe's tabs per hamlet were left out unsaid)", async () => {
    const file = await workbook([
      ['Cũ', [['fullName'], ['Ẩn']], 'hidden'],
      ['Thôn Đắk Rơ Wa', [['fullName'], ['Lò Thị A'], ['Lò Thị B']]],
      ['Bản Hòa Tiến', [['fullName'], ['Lò Văn C']]],
      ['Trống', []],
    ]);
    const read = await readSheet(file);
    expect([read.sheet, read.rows.map((r) => r.cells.fullName), read.otherSheets]).toEqual(['Thôn Đắk Rơ Wa', ['Lò Thị A', 'Lò Thị B'], [{ name: 'Bản Hòa Tiến', rows: 2 }]]);
  });

  it('calls a zip with no worksheet no workbook (a Word .docx was "a workbook with no visible sheet")', async () => {
    const { default: JSZip } = await import('jszip');
    const zip = new JSZip();
    zip.file('word/document.xml', '<w:document/>');
    zip.file('[Content_Types].xml', '<Types/>');
    const docx = await zip.generateAsync({ type: 'nodebuffer' });
    await expect(readSheet(docx)).rejects.toMatchObject({ status: 415, message: expect.stringMatching(/not an \.xlsx workbook/) });
  });
});

describe('a workbook that unpacks beyond what an import reads', () => {
  it('is refused with 413 from its directory, before it is unpacked (a 250 KB file held a gigabyte)', async () => {
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Đoàn viên').addRows([['Họ và tên', 'Ghi chú'], ['Lò Văn A', 'x'.repeat(MAX_UNPACKED_BYTES + 1024)]]);
    const file = Buffer.from(await book.xlsx.writeBuffer());
    expect(file.length).toBeLessThan(MAX_UNPACKED_BYTES / 50);
    await expect(readSheet(file)).rejects.toMatchObject({ status: 413, message: expect.stringMatching(/unpacks to more than \d+ MB/) });
    // Its directory made to lie (every entry 1 byte): it is refused all the same, by unpacking it once and counting.
    const lying = Buffer.from(file);
    for (let at = lying.indexOf(CENTRAL_HEADER); at >= 0; at = lying.indexOf(CENTRAL_HEADER, at + 4)) lying.writeUInt32LE(1, at + 24);
    await expect(readSheet(lying)).rejects.toMatchObject({ status: 413 });
  });
});
