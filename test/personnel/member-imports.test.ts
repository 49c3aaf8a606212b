import { API_PREFIX } from '@register/service-kit';
import { Gateway, refusedUnchanged, Reply, startSeeded } from '../gateway/gateway-app';
import { applicant, csvOf, ImportRow, multipartBody, xlsxOf } from '../support/member-import-files';

jest.setTimeout(240_000);

/**
 * Bulk admission through the gateway, embedded: an officer of Quế Phong district imports an .xlsx
 * of 1,000 members built with exceljs (Vietnamese header, branches by name and by id), 20 of them
 * bad; a dry run first, then the real run, then the same file again.
 */
describe('member imports (embedded, through the gateway)', () => {
  let gw: Gateway;
  let officer: Record<string, string>;
  let admin: Awaited<ReturnType<typeof startSeeded>>['admin'];

  /** unitId null: none given, as api.md writes the call. */
  const upload = (file: Buffer, name: string, fields: Record<string, string>, headers = officer, unitId: string | null = 'qp') => {
    const { payload, contentType } = multipartBody(file, name, fields);
    const url = `/${API_PREFIX}/member-imports${unitId === null ? '' : `?unitId=${unitId}`}`;
    return gw.inject({ method: 'POST', url, headers: { ...headers, 'content-type': contentType }, payload });
  };
  const progress = (id: string, headers = officer) => gw.inject({ method: 'GET', url: `/${API_PREFIX}/member-imports/${encodeURIComponent(id)}`, headers });
  const finished = async (started: Reply, headers = officer): Promise<Reply> => {
    expect(started.status).toBe(202);
    for (;;) {
      const r = await progress(started.body.id, headers);
      expect(r.status).toBe(200);
      if (r.body.status !== 'running') return r;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const admissions = async () => (await gw.personnelStore.readAll(0, 100_000)).filter((e) => e.type === 'MemberAdmitted').length;

  /** 980 good rows over the district's three branches (by name, by id), and 20 bad ones, each bad a different way. */
  const rows: ImportRow[] = [];
  const bad = new Map<number, string>();
  for (let n = 0; n < 1000; n++) rows.push(applicant(n, ['Chi đoàn bản Mường Phú', 'b-2', 'chi đoàn bản na sành'][n % 3]));
  const spoil = (n: number, change: Partial<ImportRow>, rule: string) => {
    rows[n] = { ...rows[n], ...change };
    bad.set(n + 2, rule); // row 1 is the header
  };
  for (let i = 0; i < 5; i++) spoil(100 + i, { branch: 'Chi đoàn không có' }, 'unknown-branch');
  for (let i = 0; i < 5; i++) spoil(200 + i, { branch: 'b-9' }, 'unknown-branch'); // Thanh Hóa's: outside the district
  for (let i = 0; i < 4; i++) spoil(300 + i, { dateOfBirth: '31/02/2001' }, 'isCalendarDate');
  for (let i = 0; i < 3; i++) spoil(400 + i, { dateOfBirth: '1970-01-01' }, 'admission-age');
  for (let i = 0; i < 3; i++) spoil(500 + i, { ...rows[10 + i] }, 'possible-duplicate'); // the same person twice in the file

  beforeAll(async () => {
    const seeded = await startSeeded();
    gw = seeded.gw;
    admin = seeded.admin;
    await gw.syncPersonnel();
    officer = await gw.bearer({ sub: 'qp-officer', roles: ['unit-officer'], scopeUnitId: 'qp' });
  });
  afterAll(() => gw?.close());

  it('a dry run answers each row\'s verdict and admits nobody; the real run admits the 980 and names the 20 refused; the same file again admits nobody twice', async () => {
    const file = await xlsxOf(rows);

    const dry = await finished(await upload(file, 'doan-vien.xlsx', { reason: 'kết nạp đợt 26/3', dryRun: 'true' }));
    expect(dry.body).toMatchObject({ dryRun: true, status: 'finished', total: 1000, processed: 1000, counts: { valid: 980, refused: 20, admitted: 0 } });
    expect(await admissions()).toBe(0);

    const real = await finished(await upload(file, 'doan-vien.xlsx', { reason: 'kết nạp đợt 26/3' }));
    expect(real.body).toMatchObject({ dryRun: false, status: 'finished', total: 1000, counts: { admitted: 980, refused: 20, alreadyAdmitted: 0 } });
    const refusedRows = real.body.rows.filter((r: { verdict: string }) => r.verdict === 'refused');
    expect(new Map(refusedRows.map((r: { row: number; rule: string }) => [r.row, r.rule]))).toEqual(bad);
    for (const r of refusedRows) expect(r).toEqual(expect.objectContaining({ fullName: expect.any(String), message: expect.any(String) }));
    expect(real.body.rowsPerSecond).toBeGreaterThan(0);
    expect(await admissions()).toBe(980);
    // The import answers the newest position it wrote, each admitted row its own: a read with minPosition waits for them all (a probe had none to give).
    const positions = real.body.rows.flatMap((r: { position?: number }) => (r.position === undefined ? [] : [r.position]));
    expect([dry.body.position, positions.length, real.body.position]).toEqual([null, 980, Math.max(...positions)]);
    const last = real.body.rows.find((r: { position?: number }) => r.position === real.body.position);
    const read = await gw.inject({ method: 'GET', url: `/${API_PREFIX}/members/${last.memberId}?minPosition=${real.body.position}`, headers: officer });
    expect([read.status, read.body.id]).toEqual([200, last.memberId]);

    // Admitted as POST /members admits: the caller, the reason, the branch resolved by name, the name intact.
    const one = real.body.rows.find((r: { row: number }) => r.row === 2);
    const member = await gw.inject({ method: 'GET', url: `/${API_PREFIX}/members/${one.memberId}/history`, headers: officer });
    expect(member.body.items[0]).toMatchObject({ type: 'MemberAdmitted', actor: 'qp-officer', reason: 'kết nạp đợt 26/3', data: { branchId: 'b-1', admittedOn: '2020-03-26' } });
    expect(one.fullName).toBe(rows[0].fullName);

    const again = await finished(await upload(file, 'doan-vien-lan-2.xlsx', { reason: 'gửi lại' }));
    expect(again.body.counts).toMatchObject({ admitted: 0, alreadyAdmitted: 980, refused: 20 });
    expect(await admissions()).toBe(980);
  });

  it('5,000 rows: the answer is an import resource with progress, not a request held open', async () => {
    const many = Array.from({ length: 5000 }, (_, n) => applicant(10_000 + n, ['b-1', 'b-2', 'b-3'][n % 3]));
    const before = await admissions();
    const t0 = Date.now(); // for the figure printed below, not asserted
    // Answered while it runs (status running), not after: no clock needed to tell.
    const started = await upload(csvOf(many), 'nhieu.csv', { reason: 'kết nạp hàng loạt' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'running', total: 5000 });
    expect(started.headers.location).toBe(`/api/v1/member-imports/${encodeURIComponent(started.body.id)}`);
    // The progress moves while the import runs: some read sees part of the rows done.
    const seen: number[] = [];
    let done = await progress(started.body.id);
    for (; done.body.status === 'running'; done = await progress(started.body.id)) {
      seen.push(done.body.processed);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(seen.some((n) => n > 0 && n < 5000)).toBe(true);
    expect(done.body.counts).toMatchObject({ admitted: 5000, refused: 0 });
    expect(await admissions()).toBe(before + 5000);
    console.log(`member import: 5,000 rows in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${done.body.rowsPerSecond} rows/s`);
  });

  it('a file that is no spreadsheet, has no recognisable header or is over 5 MB is a clear 4xx, and nothing is admitted', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const notSheet = await refusedUnchanged(gw, 415, () => upload(png, 'anh.png', { reason: 'nhầm tệp' }));
    expect(notSheet.body.detail).toMatch(/neither an \.xlsx workbook nor/);
    const fakeXlsx = Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(100)]);
    await refusedUnchanged(gw, 415, () => upload(fakeXlsx, 'hong.xlsx', { reason: 'tệp hỏng' }));

    const noHeader = await refusedUnchanged(gw, 400, () => upload(Buffer.from('Lò Văn A,2000-01-01,Nam,2020-03-26,b-1\r\n'), 'khong-tieu-de.csv', { reason: 'thiếu tiêu đề' }));
    expect(noHeader.body.errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`)).toEqual(
      ['fullName', 'dateOfBirth', 'gender', 'admittedOn', 'branch'].map((f) => `file.columns.${f}:header`),
    );

    const huge = Buffer.concat([csvOf(rows), Buffer.alloc(5 * 1024 * 1024, 0x20)]);
    const tooLarge = await refusedUnchanged(gw, 413, () => upload(huge, 'qua-lon.csv', { reason: 'quá lớn' }));
    expect(tooLarge.body.rule).toBe('FST_REQ_FILE_TOO_LARGE');

    const noBoundary = await refusedUnchanged(gw, 400, () => gw.inject({ method: 'POST', url: `/${API_PREFIX}/member-imports?unitId=qp`, headers: { ...officer, 'content-type': 'multipart/form-data' }, payload: 'x' }));
    expect(noBoundary.body.errors).toEqual([expect.objectContaining({ field: 'file', rule: 'multipart' })]);

    const noReason = await refusedUnchanged(gw, 400, () => upload(csvOf(rows.slice(0, 3)), 'a.csv', {}));
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
  });

  it('one national ID number is one member: a second row with it, or a number a member holds, is refused in the dry run and the real run alike', async () => {
    const person = (n: number, branch: string, nationalId: string) => ({ ...applicant(5000 + n, branch), nationalId });
    const file = (list: Array<ReturnType<typeof person>>) =>
      Buffer.from(`\ufefffullName,dateOfBirth,gender,admittedOn,branch,nationalId\r\n${list.map((r) => [r.fullName, r.dateOfBirth, r.gender, r.admittedOn, r.branch, r.nationalId].join(',')).join('\r\n')}\r\n`);
    const held = await gw.inject({ method: 'POST', url: `/${API_PREFIX}/members`, headers: officer, payload: { branchId: 'b-2', fullName: 'Lò Văn Có Số', dateOfBirth: '2000-01-02', gender: 'male', admittedOn: '2020-03-26', nationalId: '038200000004', reason: 'kết nạp' } });
    expect(held.status).toBe(201);
    const rows = file([person(1, 'b-1', '038200000001'), person(2, 'b-2', '038200000001'), person(3, 'b-1', '038200000004'), person(4, 'b-2', '038200000005')]);
    const verdicts = (r: Reply) => (r.body.rows as Array<{ row: number; verdict: string; rule?: string }>).map((v) => [v.row, v.verdict, v.rule ?? null]);
    const expected = (admitted: string) => [[2, admitted, null], [3, 'refused', 'national-id-taken'], [4, 'refused', 'national-id-taken'], [5, admitted, null]];
    const dry = await finished(await upload(rows, 'so.csv', { reason: 'thử', dryRun: 'true' }));
    expect(verdicts(dry)).toEqual(expected('valid'));
    // Each names the field (a probe's row named it only in words), the holder in the register still unnamed
    const fields = (dry.body.rows as Array<{ row: number; errors?: Array<{ field: string; rule: string }>; duplicateOf?: string }>).filter((v) => v.row === 3 || v.row === 4).map((v) => [v.errors, v.duplicateOf]);
    expect(fields).toEqual([[[expect.objectContaining({ field: 'nationalId', rule: 'national-id-taken' })], undefined], [[expect.objectContaining({ field: 'nationalId', rule: 'national-id-taken' })], undefined]]);
    // The dry run told the caller that 038200000004 is a member's: the holder's read log says so (found by a black-box probe).
    const reads = await gw.inject({ method: 'GET', url: `/${API_PREFIX}/members/${held.body.id}/personal-data-reads`, headers: officer });
    expect((reads.body.items as Array<{ endpoint: string; purpose: string }>).filter((r) => r.purpose.includes('national-id-taken')).map((r) => r.endpoint)).toEqual(['POST /member-imports']);
    const real = await finished(await upload(rows, 'so.csv', { reason: 'kết nạp đợt 2' }));
    expect(verdicts(real)).toEqual(expected('admitted'));
    // The import's rows showed the admitted member's name: logged as a read once, however often the caller polled (found by a black-box probe).
    await progress(real.body.id);
    const admitted = (real.body.rows as Array<{ memberId?: string }>)[0].memberId!;
    const shown = await gw.inject({ method: 'GET', url: `/${API_PREFIX}/members/${admitted}/personal-data-reads`, headers: officer });
    expect((shown.body.items as Array<{ endpoint: string; actor: string }>).filter((r) => r.endpoint === 'GET /member-imports/{id}').map((r) => r.actor)).toEqual(['qp-officer']);
    // The dry run's rows name the same members, by the ids the real run gave them: reading it now is a read of their data too.
    const dryNow = await gw.inject({ method: 'GET', url: `/${API_PREFIX}/member-imports/${encodeURIComponent(dry.body.id)}`, headers: { ...officer, 'x-purpose': 'doi chieu' } });
    expect([dryNow.status, dryNow.body.dryRun]).toEqual([200, true]);
    const again = await gw.inject({ method: 'GET', url: `/${API_PREFIX}/members/${admitted}/personal-data-reads`, headers: officer });
    expect((again.body.items as Array<{ endpoint: string; purpose: string | null }>).filter((r) => r.endpoint === 'GET /member-imports/{id}').map((r) => r.purpose)).toEqual(['doi chieu', null]);
  });

  it('a branch named with the other tone placement of two branches\' names is ambiguous, not silently one of them (found by a black-box probe)', async () => {
    for (const [id, parentUnitId, name] of [['b-hoa-1', 'xa-1', 'Chi đoàn bản Hòa Bình'], ['b-hoa-2', 'xa-2', 'Chi đoàn bản Hoà Bình']]) {
      const r = await admin.post('/branches', { id, parentUnitId, name, area: { kind: 'village', name: name.slice('Chi đoàn bản '.length) }, reason: 'thành lập', effectiveDate: '2025-01-01' });
      expect(r.status === 201 ? 201 : r.raw).toBe(201);
    }
    await gw.syncPersonnel();
    const file = csvOf([applicant(9100, 'Chi đoàn bản Hoà Bình'), applicant(9101, 'Chi đoàn bản Hòa Bình'), applicant(9102, 'b-hoa-2')]);
    const verdicts = (r: Reply) => (r.body.rows as Array<{ row: number; verdict: string; rule?: string }>).map((v) => [v.row, v.verdict, v.rule ?? null]);
    expect(verdicts(await finished(await upload(file, 'hoa-binh.csv', { reason: 'thử', dryRun: 'true' })))).toEqual([[2, 'refused', 'ambiguous-branch'], [3, 'refused', 'ambiguous-branch'], [4, 'valid', null]]);
  });

  it('a row typed without marks is the same person as a marked row or member (a black-box probe admitted both)', async () => {
    const header = 'fullName,dateOfBirth,gender,admittedOn,branch';
    const row = (fullName: string) => [fullName, '2003-07-08', 'Nữ', '2025-03-26', 'b-1'].join(',');
    const file = Buffer.from(`\ufeff${header}\r\n${row('Đỗ Thị Thúy Hằng')}\r\n${row('Do Thi Thuy Hang')}\r\n${row('Đỗ Thị Thúy Hăng')}\r\n`);
    const done = await finished(await upload(file, 'khong-dau.csv', { reason: 'kết nạp' }));
    const verdicts = (done.body.rows as Array<{ row: number; verdict: string; rule?: string; sameAsRow?: number }>).map((v) => [v.row, v.verdict, v.rule ?? null, v.sameAsRow ?? null]);
    // Row 4's marks differ from row 2's (Hăng, Hằng): two names both typed with marks are two people.
    expect(verdicts).toEqual([[2, 'admitted', null, null], [3, 'refused', 'possible-duplicate', 2], [4, 'admitted', null, null]]);
    const later = await finished(await upload(Buffer.from(`\ufeff${header}\r\n${row('DO THI THUY HANG')}\r\n`), 'khong-dau-2.csv', { reason: 'kết nạp', dryRun: 'true' }));
    expect(later.body.rows[0]).toMatchObject({ verdict: 'refused', rule: 'possible-duplicate' });
  });

  it("an erased member's name is no longer shown in the import that admitted them, nor in rows refused as the same person (found by black-box probes)", async () => {
    const one = applicant(8000, 'b-1');
    const line = [one.fullName, one.dateOfBirth, one.gender, one.admittedOn, one.branch].join(',');
    // and the same person again with a typo in the gender: refused for it, not as the same person (a probe saw the name stay)
    const typo = [one.fullName, one.dateOfBirth, 'Nũ', one.admittedOn, one.branch].join(',');
    const file = Buffer.from(`\ufefffullName,dateOfBirth,gender,admittedOn,branch\r\n${line}\r\n${line}\r\n${typo}\r\n`);
    const done = await finished(await upload(file, 'mot.csv', { reason: 'kết nạp' }));
    const row = done.body.rows[0];
    expect([row.verdict, row.fullName]).toEqual(['admitted', one.fullName]);
    expect(done.body.rows[1]).toMatchObject({ row: 3, verdict: 'refused', rule: 'possible-duplicate', sameAsRow: 2, fullName: one.fullName });
    // A later file naming the same person: refused as a duplicate of the member, whom it names.
    const later = await finished(await upload(Buffer.from(`\ufefffullName,dateOfBirth,gender,admittedOn,branch\r\n${line}\r\n`), 'lai.csv', { reason: 'kết nạp lại', dryRun: 'true' }));
    expect(later.body.rows[0]).toMatchObject({ verdict: 'refused', rule: 'possible-duplicate', duplicateOf: row.memberId, fullName: one.fullName });
    const erased = await gw.inject({ method: 'POST', url: `/${API_PREFIX}/members/${row.memberId}/personal-data-erasure`, headers: officer, payload: { reason: 'yêu cầu xóa dữ liệu' } });
    expect(erased.status).toBe(201);
    // the directory learns of the erasure from the log, a moment after the command's answer
    for (let tries = 0; tries < 50 && (await progress(done.body.id)).body.rows[0].fullName !== null; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    const after = await progress(done.body.id);
    expect(after.body.rows[0]).toMatchObject({ row: 2, verdict: 'admitted', memberId: row.memberId, fullName: null });
    expect(after.body.rows[1]).toMatchObject({ row: 3, verdict: 'refused', fullName: null });
    expect(after.body.rows[2]).toMatchObject({ row: 4, verdict: 'refused', rule: 'isIn', fullName: null });
    expect(after.raw).not.toContain(one.fullName);
    const laterAfter = await progress(later.body.id);
    expect(laterAfter.body.rows[0]).toMatchObject({ duplicateOf: row.memberId, fullName: null });
    expect(laterAfter.raw).not.toContain(one.fullName);
  });

  it('records the decision that authorises an import with each admission; a decisionRef that is not a decision is 400 naming its field, and nothing is admitted', async () => {
    const one = (n: number) => applicant(7000 + n, 'b-1');
    const file = Buffer.from(`\ufefffullName,dateOfBirth,gender,admittedOn,branch\r\n${[one(1)].map((r) => [r.fullName, r.dateOfBirth, r.gender, r.admittedOn, r.branch].join(',')).join('\r\n')}\r\n`);
    const before = await admissions();
    const bad = await upload(file, 'qd.csv', { reason: 'kết nạp', decisionRef: JSON.stringify({ issuedBy: 'Ban Thường vụ' }) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('decisionRef.number');
    expect((await upload(file, 'qd.csv', { reason: 'kết nạp', decisionRef: 'số 12' })).body.errors?.[0]).toMatchObject({ field: 'decisionRef', rule: 'isObject' });
    expect(await admissions()).toBe(before);
    const decision = { number: '12-QĐ/ĐTN', issuedBy: 'Ban Thường vụ Huyện đoàn Quế Phong', date: '2025-03-20' };
    const done = await finished(await upload(file, 'qd.csv', { reason: 'kết nạp đợt 3', decisionRef: JSON.stringify(decision) }));
    expect(done.body.counts.admitted).toBe(1);
    const admitted = (await gw.personnelStore.readAll(0, 100_000)).filter((e) => e.type === 'MemberAdmitted').at(-1)!;
    expect(admitted.metadata).toMatchObject({ reason: 'kết nạp đợt 3', decision });
  });

  it('an officer imports only into their own subtree, and reads only imports of it', async () => {
    const other = await gw.bearer({ sub: 'th-officer', roles: ['unit-officer'], scopeUnitId: 'th' });
    await refusedUnchanged(gw, 403, () => upload(csvOf(rows.slice(0, 3)), 'a.csv', { reason: 'ngoài phạm vi' }, other, 'qp'));
    const mine = await finished(await upload(csvOf(rows.slice(0, 3)), 'a.csv', { reason: 'thử', dryRun: 'true' }));
    const theirs = await gw.inject({ method: 'GET', url: `/${API_PREFIX}/member-imports/${encodeURIComponent(mine.body.id)}`, headers: other });
    expect(theirs.status).toBe(403);
    // An id of their own unit that names no import is 404, not 403 (a black-box probe's "ua:zz"); another unit's is 403 all the same.
    for (const id of ['qp:zz', 'qp:']) expect((await progress(id)).status).toBe(404);
    expect((await progress('th:zz')).status).toBe(403);
  });
  it('an import that names no unit, as api.md writes the call, admits into the whole register for its central administrator; a scoped officer gives their unit (403 otherwise)', async () => {
    const centralAdmin = await gw.bearer({ sub: 'admin', roles: ['central-admin'] });
    const dry = await finished(await upload(csvOf(rows.slice(0, 3)), 'a.csv', { reason: 'thử', dryRun: 'true' }, centralAdmin, null), centralAdmin);
    expect([dry.body.id.startsWith('tw:'), dry.body.rows.map((r: { verdict: string }) => r.verdict)]).toEqual([true, expect.arrayContaining([expect.any(String)])]);
    expect(dry.body.rows.filter((r: { rule?: string }) => r.rule === 'unknown-branch')).toEqual([]);
    await refusedUnchanged(gw, 403, () => upload(csvOf(rows.slice(0, 3)), 'a.csv', { reason: 'thử' }, officer, null));
  });
});
