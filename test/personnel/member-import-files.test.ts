/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read freely in tests */
import ExcelJS from 'exceljs';
import { API_PREFIX } from '@register/service-kit';
import { startSeeded } from '../gateway/gateway-app';
import { applicant, csvOf, multipartBody } from '../support/member-import-files';

/**
 * Member imports as union offices keep their lists (found by a black-box probe of imports): two
 * imports at once, the same file under another unit, one person under two branches, a hidden sheet
 * and hidden rows, a title above the header, headers written without diacritics, a phone that lost
 * its leading 0, a column given twice.
 */
describe('member imports of the files offices keep (embedded, through the gateway)', () => {
  let gw: Awaited<ReturnType<typeof startSeeded>>['gw'];
  let officer: Record<string, string>;
  const upload = (file: Buffer, name: string, fields: Record<string, string>, unitId = 'qp') => {
    const { payload, contentType } = multipartBody(file, name, fields);
    return gw.inject({ method: 'POST', url: `/${API_PREFIX}/member-imports?unitId=${unitId}`, headers: { ...officer, 'content-type': contentType }, payload });
  };
  const finished = async (started: any): Promise<any> => {
    expect(started.status === 202 ? 202 : started.raw).toBe(202);
    for (;;) {
      const r = await gw.inject({ method: 'GET', url: `/${API_PREFIX}/member-imports/${encodeURIComponent(started.body.id)}`, headers: officer });
      if (r.body.status !== 'running') return r;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const admissions = async () => (await gw.personnelStore.readAll(0, 100_000)).filter((e) => e.type === 'MemberAdmitted').length;
  const verdicts = (r: any) => (r.body.rows as Array<{ verdict: string; rule?: string }>).map((v) => v.rule ?? v.verdict);

  beforeAll(async () => {
    ({ gw } = await startSeeded());
    await gw.syncPersonnel();
    officer = await gw.bearer({ sub: 'qp-officer', roles: ['unit-officer'], scopeUnitId: 'qp' });
  });
  afterAll(() => gw?.close());

  it('admits each person once when two imports of the same people run at once (each admitted twice before)', async () => {
    const people = Array.from({ length: 40 }, (_, n) => applicant(7000 + n, n % 2 ? 'b-1' : 'b-2'));
    const before = await admissions();
    const [one, two] = await Promise.all([upload(csvOf(people), 'a.csv', { reason: 'kết nạp' }), upload(csvOf([...people].reverse()), 'b.csv', { reason: 'kết nạp' })]);
    const [a, b] = await Promise.all([finished(one), finished(two)]);
    expect(await admissions()).toBe(before + 40);
    expect(a.body.counts.admitted + b.body.counts.admitted).toBe(40);
    expect([...verdicts(a), ...verdicts(b)].filter((v) => v !== 'admitted').every((v) => v === 'possible-duplicate')).toBe(true);
  });

  it('does not take a file imported again under another unit for its first rows, and refuses one person listed under two branches', async () => {
    const people = [applicant(7100, 'b-1'), applicant(7101, 'b-2')];
    const first = await finished(await upload(csvOf(people), 'c.csv', { reason: 'kết nạp' }, 'qp'));
    expect(verdicts(first)).toEqual(['admitted', 'admitted']);
    const again = await finished(await upload(csvOf(people), 'c.csv', { reason: 'kết nạp' }, 'xa-1'));
    expect(verdicts(again)).toEqual(['possible-duplicate', 'possible-duplicate']);
    const twice = await finished(await upload(csvOf([applicant(7102, 'b-1'), applicant(7102, 'b-3')]), 'd.csv', { reason: 'kết nạp', dryRun: 'true' }));
    expect(verdicts(twice)).toEqual(['valid', 'possible-duplicate']);
  });

  it('reads the visible sheet without its hidden rows, finds the header under a title, takes headers without diacritics, and gives a phone its leading 0', async () => {
    const book = new ExcelJS.Workbook();
    const old = book.addWorksheet('Cũ');
    old.state = 'hidden';
    old.addRow(['Họ và tên', 'Ngày sinh', 'Giới tính', 'Ngày vào Đoàn', 'Chi đoàn']);
    old.addRow(['Người Danh Sách Cũ', '01/01/2000', 'Nam', '26/03/2019', 'b-1']);
    const sheet = book.addWorksheet('Danh sách');
    sheet.addRow(['DANH SÁCH ĐOÀN VIÊN XÃ QUẾ PHONG']);
    sheet.addRow(['STT', 'HO VA TEN', 'Ngày, tháng, năm sinh', 'Giới tính', 'Ngày vào Đoàn', 'Tên chi đoàn', 'Số điện thoại']);
    sheet.addRow([1, 'Lò Thị Hiện', '02/02/2001', 'Nữ', '26/03/2020', 'b-1', 912345678]);
    const left = sheet.addRow([2, 'Lò Văn Đã Chuyển', '03/03/2001', 'Nam', '26/03/2020', 'b-1', '']);
    left.hidden = true;
    // A second visible tab with rows is not read, and the answer says so (a probe's tabs per hamlet were left out unsaid).
    book.addWorksheet('Bản Hòa Tiến').addRows([['Họ và tên'], ['Lò Văn Khác']]);
    const done = await finished(await upload(Buffer.from(await book.xlsx.writeBuffer()), 'ds.xlsx', { reason: 'kết nạp' }));
    expect(done.body.rows.map((r: any) => [r.row, r.verdict, r.fullName])).toEqual([[3, 'admitted', 'Lò Thị Hiện']]);
    expect([done.body.hiddenRows, done.body.otherSheets]).toEqual([[4], [{ name: 'Bản Hòa Tiến', rows: 2 }]]);
    const member = await gw.inject({ method: 'GET', url: `/${API_PREFIX}/members/${done.body.rows[0].memberId}`, headers: officer });
    expect(member.body.personal?.phone ?? member.body.phone).toBe('0912345678');
  });

  it('refuses an import into a unit closed by today (every row was refused before)', async () => {
    const admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
    expect((await admin.post('/units', { id: 'xa-import-gone', kind: 'grassroots', name: 'Đoàn xã Đã Giải Thể', parentId: 'qp', reason: 'thành lập', effectiveDate: '2025-01-01' })).status).toBe(201);
    expect((await admin.post('/units/xa-import-gone/dissolution', { reason: 'giải thể', effectiveDate: '2025-06-01' })).status).toBe(201);
    await gw.syncPersonnel();
    const refused = await upload(csvOf([applicant(7300, 'b-1')]), 'f.csv', { reason: 'kết nạp' }, 'xa-import-gone');
    expect([refused.status, refused.body.rule]).toEqual([422, 'unit-closed']);
  });

  it('says, when the first visible sheet has no list header, which sheet it read and which others hold rows (a probe\'s instructions came first)', async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Hướng dẫn nhập liệu').addRows([['Ghi họ tên đầy đủ, có dấu'], ['Ngày tháng ghi dd/mm/yyyy']]);
    book.addWorksheet('Danh sách').addRows([['Họ và tên', 'Ngày sinh', 'Giới tính', 'Ngày vào Đoàn', 'Chi đoàn'], ['Lò Thị Hướng', '02/02/2001', 'Nữ', '26/03/2020', 'b-1']]);
    const refused = await upload(Buffer.from(await book.xlsx.writeBuffer()), 'huong-dan.xlsx', { reason: 'kết nạp' });
    expect([refused.status, refused.body.errors?.[0]?.rule]).toEqual([400, 'header']);
    expect(refused.body.errors[0].message).toContain('read from the sheet "Hướng dẫn nhập liệu"');
    expect(refused.body.errors[0].message).toContain('"Danh sách" (2 rows)');
  });

  it('refuses a file naming one field in two columns, rather than taking the last', async () => {
    const text = '\ufeffHọ và tên,Ngày sinh,Giới tính,Ngày vào Đoàn,Chi đoàn,Chi đoàn\r\nLò Văn Hai Cột,01/01/2001,Nam,26/03/2020,b-1,b-3\r\n';
    const refused = await upload(Buffer.from(text), 'e.csv', { reason: 'kết nạp' });
    expect([refused.status, refused.body.errors?.map((e: any) => e.rule)]).toEqual([400, ['column-twice']]);
  });

  // Found by a black-box probe of imports (7 December 2026).
  it('reads every row of a file whose header ends CRLF and its rows LF (they vanished, neither admitted nor refused)', async () => {
    const people = [applicant(7400, 'b-1'), applicant(7401, 'b-2'), applicant(7402, 'b-1')];
    const text = csvOf(people).toString('utf8').replace(/\r\n/g, '\n').replace('\n', '\r\n');
    const done = await finished(await upload(Buffer.from(text), 'mixed.csv', { reason: 'kết nạp', dryRun: 'true' }));
    expect([done.body.total, verdicts(done)]).toEqual([3, ['valid', 'valid', 'valid']]);
  });

  it('shows a long cell cut in a refusal, not whole (a small workbook of one shared string made a gigabyte answer)', async () => {
    const long = 'x'.repeat(50_000);
    const done = await finished(await upload(csvOf([applicant(7410, long), applicant(7411, long)]), 'long.csv', { reason: 'kết nạp', dryRun: 'true' }));
    expect(verdicts(done)).toEqual(['unknown-branch', 'unknown-branch']);
    expect(done.raw.length).toBeLessThan(5_000);
    expect(done.body.rows[0].message).toContain('(50000 characters)');
  });

  it('says a cell read empty holds a formula with no saved value, in the refusal of its row (it said "is required"), and takes the others: an empty optional cell of a formula is empty', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Danh sách');
    sheet.addRow(['Họ và tên', 'Ngày sinh', 'Giới tính', 'Ngày vào Đoàn', 'Chi đoàn', 'Số điện thoại']);
    sheet.addRow(['Lò Văn Công Thức', '01/01/2001', 'Nam', '26/03/2020', 'b-1', { formula: 'IF(1=2,"0912345678","")' }]);
    sheet.addRow([{ formula: 'A2' }, '02/02/2002', 'Nữ', '26/03/2020', 'b-1', '']);
    const done = await finished(await upload(Buffer.from(await book.xlsx.writeBuffer()), 'f.xlsx', { reason: 'kết nạp', dryRun: 'true' }));
    expect(verdicts(done)).toEqual(['valid', 'required']);
    expect(done.body.rows[1].message).toContain('formula with no saved value');
  });

  it("refuses a form's reason that is not UTF-8 or holds control characters, naming the field (it was kept in the log)", async () => {
    const before = await admissions();
    const control = await upload(csvOf([applicant(7420, 'b-1')]), 'r.csv', { reason: 'kết nạp \u0001\u001b[31m' });
    expect([control.status, control.body.errors?.map((e: any) => `${e.field}:${e.rule}`)]).toEqual([400, ['reason:no-control-character']]);
    const { payload, contentType } = multipartBody(csvOf([applicant(7421, 'b-1')]), 'l.csv', { reason: 'REASON' });
    const latin1 = Buffer.concat(payload.toString('latin1').split('REASON').flatMap((part, i) => (i === 0 ? [Buffer.from(part, 'latin1')] : [Buffer.from('l\xfd do nh\xe2p', 'latin1'), Buffer.from(part, 'latin1')])));
    const notUtf8 = await gw.inject({ method: 'POST', url: `/${API_PREFIX}/member-imports?unitId=qp`, headers: { ...officer, 'content-type': contentType }, payload: latin1 });
    expect([notUtf8.status, notUtf8.body.errors?.map((e: any) => `${e.field}:${e.rule}`)]).toEqual([400, ['reason:utf-8']]);
    // Its length is every command's (2,000 characters): 1,500 were refused as missing (isNotEmpty), which POST /members takes (a probe)
    const tooLong = await upload(csvOf([applicant(7422, 'b-1')]), 't.csv', { reason: 'ý'.repeat(2001) });
    expect([tooLong.status, tooLong.body.errors?.map((e: any) => `${e.field}:${e.rule}`)]).toEqual([400, ['reason:maxLength']]);
    expect(await admissions()).toBe(before);
    const long = await upload(csvOf([applicant(7423, 'b-1')]), 'k.csv', { reason: 'Quyết định kết nạp đoàn viên '.repeat(50), dryRun: 'true' });
    expect([long.status, long.body.errors]).toEqual([202, undefined]);
  });

  it('answers an import sent again under its Idempotency-Key with the first import; the key with another file is 422 (each retry was a new import)', async () => {
    const file = csvOf([applicant(7430, 'b-1')]);
    const send = (body: Buffer, key: string) => {
      const { payload, contentType } = multipartBody(body, 'k.csv', { reason: 'kết nạp', dryRun: 'true' });
      return gw.inject({ method: 'POST', url: `/${API_PREFIX}/member-imports?unitId=qp`, headers: { ...officer, 'content-type': contentType, 'idempotency-key': key }, payload });
    };
    const first = await send(file, 'nhap-7430');
    const again = await send(file, 'nhap-7430');
    expect([first.status, again.status, again.body.id, again.headers.location]).toEqual([202, 202, first.body.id, first.headers.location]);
    const other = await send(csvOf([applicant(7431, 'b-1')]), 'nhap-7430');
    expect([other.status, other.body.rule]).toEqual([422, 'idempotency-key-reused']);
  });

  it("logs a read of a registered member whom a refused row repeats, in that member's read log (it named them unlogged)", async () => {
    const person = applicant(7440, 'b-2');
    const admitted = await finished(await upload(csvOf([person]), 'g.csv', { reason: 'kết nạp' }));
    const memberId = admitted.body.rows[0].memberId;
    const dry = await finished(await upload(csvOf([{ ...person, branch: 'b-1' }]), 'h.csv', { reason: 'rà soát', dryRun: 'true' }));
    expect(dry.body.rows[0]).toMatchObject({ rule: 'possible-duplicate', duplicateOf: memberId });
    const reads = await gw.inject({ method: 'GET', url: `/${API_PREFIX}/members/${memberId}/personal-data-reads`, headers: officer });
    // one read for the import that admitted them, one for the dry run that names them
    expect((reads.body.items as Array<{ endpoint: string }>).filter((r) => r.endpoint === 'GET /member-imports/{id}')).toHaveLength(2);
  });
});
