import { randomUUID } from 'node:crypto';
import { branchOfficersStream } from '@register/contracts';
import { Gateway, isProblem, refusedUnchanged, startSeeded } from '../gateway/gateway-app';
import { EXPECTED, turnoverYears } from './secretary-turnover-scenario';

/**
 * Issue 19, point 2: secretary turnover over 2018–2020 in Quỳ Châu, through the embedded gateway:
 * 20 departures by cause, the vacancies and tenures in days, asked of personnel's report.
 */
describe('secretary turnover (issue 19), embedded', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  let district: string;
  let position: number;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    ({ district, position } = await turnoverYears({ post: (path, body) => admin.post(path, body), get: (path) => admin.get(path), sync: gw.syncPersonnel, prefix: 't', rootUnitId: 'tw' }));
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
  });

  const turnover = (unitId: string, query: string, client = admin) => client.get(`/reports/units/${unitId}/secretary-turnover?${query}&minPosition=${position}`);

  it('answers the departures by cause, the tenures, the vacancies and their days, exactly', async () => {
    const r = await turnover(district, 'from=2018-01-01&to=2020-12-31');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ unitId: district, from: '2018-01-01', to: '2020-12-31', branches: EXPECTED.branches, departures: EXPECTED.departures, tenure: EXPECTED.tenure, vacancies: EXPECTED.vacancies, changedMoreThanOnce: EXPECTED.changedMoreThanOnce, longestServing: EXPECTED.longestServing });
    expect(r.body.vacancies.items.map((v: { days: number }) => v.days).sort((a: number, b: number) => a - b)).toEqual(EXPECTED.vacancyDays);
    expect(r.body.vacancies.items[0]).toEqual({ branchId: 'tb00', vacantFrom: '2018-01-15', vacantUntil: '2018-01-25', filled: true, days: 10 });
  });

  it('keeps the structure of the period: the commune moved away in 2025 still counts for 2018–2020, not for 2025', async () => {
    expect((await turnover(district, 'from=2018-01-01&to=2020-12-31')).body.branches).toBe(12);
    const later = await turnover(district, 'from=2025-03-01&to=2025-12-31');
    expect([later.status, later.body.branches, later.body.departures.total]).toEqual([200, 6, 0]);
    // Over the whole of 2025 the commune stood in the district until 1 March: its branches were the district's then.
    expect((await turnover(district, 'from=2025-01-01&to=2025-12-31')).body.branches).toBe(12);
  });

  it('narrows to the period: 2019 has no departure, only the vacancy opened in December 2018 and filled in January', async () => {
    const r = await turnover(district, 'from=2019-01-01&to=2019-12-31');
    expect([r.body.departures.total, r.body.vacancies.items]).toEqual([0, [{ branchId: 'tb11', vacantFrom: '2018-12-15', vacantUntil: '2019-01-05', filled: true, days: 21 }]]);
    const y2018 = await turnover(district, 'from=2018-01-01&to=2018-12-31');
    expect([y2018.body.departures.total, y2018.body.departures.byCause['away-work'], y2018.body.vacancies.total]).toEqual([12, 8, 12]);
  });

  it("answers the district's officers and auditors; refuses an officer of another unit (403) and a branch secretary", async () => {
    const officer = gw.api(await gw.bearer({ sub: 'qc-officer', roles: ['unit-officer'], scopeUnitId: district }));
    const auditor = gw.api(await gw.bearer({ sub: 'auditor', roles: ['auditor'] }));
    const elsewhere = gw.api(await gw.bearer({ sub: 'th-officer', roles: ['unit-officer'], scopeUnitId: 'th' }));
    const commune = gw.api(await gw.bearer({ sub: 'xa-officer', roles: ['unit-officer'], scopeUnitId: 'txa1' }));
    const secretary = gw.api(await gw.bearer({ sub: 'sec', roles: ['branch-secretary'], scopeBranchId: 'tb00' }));
    expect((await turnover(district, 'from=2018-01-01&to=2020-12-31', officer)).status).toBe(200);
    expect((await turnover(district, 'from=2018-01-01&to=2020-12-31', auditor)).status).toBe(200);
    for (const client of [elsewhere, commune, secretary]) {
      const r = await turnover(district, 'from=2018-01-01&to=2020-12-31', client);
      expect([r.status, isProblem(r)]).toEqual([403, true]);
    }
  });

  it.each([
    ['from=2018-02-30&to=2020-12-31', 'from'],
    ['from=2018-01-01&to=31/12/2020', 'to'],
    ['to=2020-12-31', 'from'],
    ['from=2020-12-31&to=2018-01-01', 'to'],
  ])('refuses %s with 400 naming %s, writing nothing', async (query, field) => {
    const r = await refusedUnchanged(gw, 400, () => turnover(district, query));
    expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('records the cause asked at departure, unknown when none is given; refuses one off the list (400 naming cause)', async () => {
    for (const cause of ['far-away', null, 'merger']) {
      const r = await refusedUnchanged(gw, 400, () => admin.post('/branches/tb08/officer-departures', { memberId: 'tb08-s1', endsOn: '2021-03-01', cause, reason: 'thôi giữ chức' }));
      expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['cause']);
    }
    const moved = await admin.post('/branches/tb08/officer-departures', { memberId: 'tb08-s1', endsOn: '2021-03-01', cause: 'moved-up', reason: 'lên huyện đoàn' });
    const silent = await admin.post('/branches/tb09/officer-departures', { memberId: 'tb09-s1', endsOn: '2021-04-01', reason: 'thôi giữ chức' });
    expect([moved.status, silent.status]).toEqual([201, 201]);
    position = silent.body.position;
    const r = await turnover(district, 'from=2021-01-01&to=2021-12-31');
    expect(r.body.departures).toMatchObject({ total: 2, byCause: { 'moved-up': 1, unknown: 1, resigned: 0 } });
    expect(r.body.vacancies).toMatchObject({ total: 2, open: 2, items: [{ branchId: 'tb08', vacantFrom: '2021-03-01', vacantUntil: null, days: 306 }, { branchId: 'tb09', days: 275 }] });
  });

  it('reads a departure stored at version 1 as `resigned` as unknown (the reason was never asked then)', async () => {
    const stream = branchOfficersStream('tb10');
    const revision = (await gw.personnelStore.readStream(stream)).length - 1;
    const { position: at } = await gw.personnelStore.append(stream, [
      { eventId: randomUUID(), type: 'OfficerDeparted', schemaVersion: 1, data: { branchId: 'tb10', memberId: 'tb10-s1', role: 'secretary', endsOn: '2022-05-01', cause: 'resigned' }, metadata: { actor: 'admin', reason: 'thôi giữ chức', effectiveDate: '2022-05-01', correlationId: randomUUID() } },
    ], revision);
    position = at;
    const r = await turnover(district, 'from=2022-01-01&to=2022-12-31');
    expect(r.body.departures).toMatchObject({ total: 1, byCause: { unknown: 1, resigned: 0 } });
  });

  it('answers 404 for a unit closed by the period\'s end, naming the day to ask, as its summary does (a probe read zeros)', async () => {
    expect((await admin.post('/units', { id: 't-closing', kind: 'grassroots', name: 'Đoàn xã Sắp Giải Thể', parentId: 'qp', reason: 'thành lập', effectiveDate: '2020-01-01' })).status).toBe(201);
    const dissolved = await admin.post('/units/t-closing/dissolution', { reason: 'giải thể', effectiveDate: '2024-06-01' });
    expect(dissolved.status === 201 ? 201 : dissolved.raw).toBe(201);
    await gw.syncPersonnel();
    const after = await turnover('t-closing', 'from=2024-01-01&to=2024-12-31');
    expect([after.status, after.body.detail]).toEqual([404, expect.stringContaining('closed on 2024-06-01')]);
    expect(after.body.detail).toContain('to=2024-05-31');
    expect((await turnover('t-closing', 'from=2024-01-01&to=2024-05-31')).status).toBe(200);
  });

  it("counts in a commune's successor the departures of a hamlet it closed before it merged away (found by a black-box probe)", async () => {
    const ok = async (path: string, body: Record<string, unknown>) => {
      const r = await admin.post(path, body);
      if (r.status >= 300) throw new Error(`${path}: ${r.status} ${r.raw}`);
      return r.body;
    };
    for (const id of ['t-c1', 't-c2']) await ok('/units', { id, kind: 'grassroots', name: `Đoàn xã ${id === 't-c1' ? 'Châu Bình' : 'Châu Thuận'}`, parentId: 'qp', reason: 'thành lập', effectiveDate: '2020-01-01' });
    for (const [id, parentUnitId, place] of [['t-k1', 't-c1', 'Bản Lìn'], ['t-k2', 't-c1', 'Bản Mới'], ['t-k3', 't-c2', 'Bản Hạt']]) {
      await ok('/branches', { id, parentUnitId, name: `Chi đoàn ${place}`, area: { kind: 'village', name: place }, reason: 'thành lập', effectiveDate: '2020-01-01' });
    }
    await gw.syncPersonnel();
    await ok('/members', { id: 't-k1-sec', branchId: 't-k1', fullName: 'Lữ Văn Bình', dateOfBirth: '1998-02-02', gender: 'male', admittedOn: '2020-03-26', reason: 'kết nạp' });
    await ok('/branches/t-k1/officer-appointments', { memberId: 't-k1-sec', role: 'secretary', method: 'elected', source: 'other', startsOn: '2021-01-10', reason: 'bầu', effectiveDate: '2021-01-10' });
    await ok('/branches/t-k1/officer-departures', { memberId: 't-k1-sec', endsOn: '2024-02-01', cause: 'resigned', reason: 'xin thôi', effectiveDate: '2024-02-01' });
    await ok('/branch-mergers', { sourceBranchIds: ['t-k1'], into: { branchId: 't-k2' }, reason: 'sáp nhập bản', effectiveDate: '2024-03-01' });
    await ok('/unit-mergers', { sourceUnitIds: ['t-c1'], into: { unitId: 't-c2' }, reason: 'sáp nhập xã', effectiveDate: '2024-06-01' });
    await gw.syncPersonnel();
    const at = `&minPosition=${await gw.personnelStore.headPosition()}`;
    const successor = await admin.get(`/reports/units/t-c2/secretary-turnover?from=2024-01-01&to=2024-12-31${at}`);
    expect([successor.status, successor.body.departures?.total, successor.body.departures?.byCause?.resigned]).toEqual([200, 1, 1]);
    const before = await admin.get(`/reports/units/t-c1/secretary-turnover?from=2024-01-01&to=2024-05-31${at}`);
    expect([before.status, before.body.departures?.total]).toEqual([200, 1]);
  });

  it('counts a merger\'s departure in a period that begins on the merger\'s day, and a secretary carried on into the successor from their first post (a black-box probe)', async () => {
    const ok = async (path: string, body: Record<string, unknown>) => {
      const r = await admin.post(path, body);
      if (r.status >= 300) throw new Error(`${path}: ${r.status} ${r.raw}`);
      return r.body;
    };
    await ok('/units', { id: 'm-c', kind: 'grassroots', name: 'Đoàn xã Châu Hạnh', parentId: 'qp', reason: 'thành lập', effectiveDate: '2020-01-01' });
    for (const [id, place] of [['m-k1', 'Bản Khì'], ['m-k2', 'Bản Côi'], ['m-k3', 'Bản Thắm']]) await ok('/branches', { id, parentUnitId: 'm-c', name: `Chi đoàn ${place}`, area: { kind: 'village', name: place }, reason: 'thành lập', effectiveDate: '2020-01-01' });
    await gw.syncPersonnel();
    for (const branchId of ['m-k1', 'm-k2']) {
      await ok('/members', { id: `${branchId}-sec`, branchId, fullName: `Lữ Văn Khì ${branchId.slice(-1)}`, dateOfBirth: '1998-02-02', gender: 'male', admittedOn: '2020-03-26', reason: 'kết nạp' });
      await ok(`/branches/${branchId}/officer-appointments`, { memberId: `${branchId}-sec`, role: 'secretary', method: 'elected', source: 'teacher', startsOn: '2021-01-10', reason: 'bầu', effectiveDate: '2021-01-10' });
    }
    await ok('/branch-mergers', { sourceBranchIds: ['m-k1', 'm-k2'], into: { branchId: 'm-k3' }, reason: 'sáp nhập bản', effectiveDate: '2024-07-01' });
    await gw.syncPersonnel();
    await ok('/branches/m-k3/officer-appointments', { memberId: 'm-k1-sec', role: 'secretary', method: 'appointed', source: 'other', startsOn: '2024-07-01', reason: 'chỉ định', effectiveDate: '2024-07-01' });
    const at = `&minPosition=${await gw.personnelStore.headPosition()}`;
    const secondHalf = await admin.get(`/reports/units/m-c/secretary-turnover?from=2024-07-01&to=2024-12-31${at}`);
    // m-k2's secretary left with the merger; m-k1's carried on in m-k3, from 2021 as a teacher.
    expect([secondHalf.status, secondHalf.body.departures?.total, secondHalf.body.departures?.byCause?.merger]).toEqual([200, 1, 1]);
    const later = await admin.get(`/reports/units/m-c/secretary-turnover?from=2025-01-01&to=2025-06-30${at}`);
    expect(later.body.longestServing.items).toEqual([expect.objectContaining({ memberId: 'm-k1-sec', branchId: 'm-k3', startsOn: '2021-01-10', source: 'teacher' })]);
  });

  it('counts a departure where its branch stood that day: the moved commune\'s departure before the move in the district it left, the one after in the district it joined (a black-box probe)', async () => {
    const ok = async (path: string, body: Record<string, unknown>) => {
      const r = await admin.post(path, body);
      if (r.status >= 300) throw new Error(`${path}: ${r.status} ${r.raw}`);
      return r.body;
    };
    // tb11 sits in the commune that moved from Quỳ Châu (tqc) to Quỳ Hợp (tqh) on 2025-03-01.
    await ok('/branches/tb11/officer-departures', { memberId: 'tb11-s1', endsOn: '2025-02-10', cause: 'away-work', reason: 'đi làm ăn xa', effectiveDate: '2025-02-10' });
    await ok('/members', { id: 'tb11-s2', branchId: 'tb11', fullName: 'Lô Thị Hương', dateOfBirth: '1999-04-04', gender: 'female', admittedOn: '2020-03-26', reason: 'kết nạp' });
    await ok('/branches/tb11/officer-appointments', { memberId: 'tb11-s2', role: 'secretary', method: 'elected', source: 'teacher', startsOn: '2025-04-01', reason: 'bầu', effectiveDate: '2025-04-01' });
    await ok('/branches/tb11/officer-departures', { memberId: 'tb11-s2', endsOn: '2025-06-10', cause: 'away-study', reason: 'đi học', effectiveDate: '2025-06-10' });
    const at = await gw.personnelStore.headPosition();
    const year = (unitId: string) => admin.get(`/reports/units/${unitId}/secretary-turnover?from=2025-01-01&to=2025-12-31&minPosition=${at}`);
    const [left, joined] = [(await year(district)).body, (await year('tqh')).body];
    expect([left.departures.total, left.departures.byCause['away-work'], left.departures.byCause['away-study']]).toEqual([1, 1, 0]);
    expect([joined.departures.total, joined.departures.byCause['away-work'], joined.departures.byCause['away-study']]).toEqual([1, 0, 1]);
    // The vacancy begun in February is the district's; the one begun in June, still open, the other's.
    // (One open since before the year counts where its branch stood on the year's first day: tb09's, in the district.)
    const tb11 = (r: { vacancies: { items: { branchId: string }[] } }) => r.vacancies.items.filter((v) => v.branchId === 'tb11');
    expect(tb11(left)).toEqual([{ branchId: 'tb11', vacantFrom: '2025-02-10', vacantUntil: '2025-04-01', filled: true, days: 50 }]);
    expect(tb11(joined)).toEqual([expect.objectContaining({ branchId: 'tb11', vacantFrom: '2025-06-10', vacantUntil: null })]);
    expect([left.vacancies.items.map((v: { branchId: string }) => v.branchId).sort(), joined.vacancies.total]).toEqual([['tb08', 'tb09', 'tb10', 'tb11'], 1]);
    // Those in post in 2025, each where they served last: the district's four and tb11's first; the other's four and tb11's second.
    expect([left.longestServing.of, joined.longestServing.of]).toEqual([5, 5]);
  });

  it('answers 404 for a unit the register does not know', async () => {
    const r = await turnover('no-such-unit', 'from=2018-01-01&to=2020-12-31');
    expect([r.status, isProblem(r)]).toEqual([404, true]);
  });
});
