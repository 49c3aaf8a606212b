/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read freely in tests */
import { startTraining, TrainingApp, why } from './training-app';

/**
 * Compliance and the read models after the structure and the people change, through the gateway of
 * the embedded start, by organisation's and personnel's own routes: a district with branches and
 * secretaries trained in 2024 is abolished in 2025 (its communes moved under the province, then
 * dissolved); a branch moves to another district; a secretary leaves the post and transfers.
 */
describe('training after the structure changes (embedded, through the gateway)', () => {
  let t: TrainingApp;
  let course2024: string;
  const ok = async (r: Promise<{ status: number; raw: string; body: any }>) => {
    const a = await r;
    if (a.status !== 201) throw new Error(`${a.status} ${a.raw}`);
    return a.body;
  };
  const compliance = async (unitId: string, year: number, asOf?: string) => {
    const r = await t.admin.get(`/training-compliance?unitId=${unitId}&year=${year}${asOf ? `&asOf=${encodeURIComponent(asOf)}` : ''}&minPosition=${await t.trainingLog.headPosition()}`);
    expect(r.status).toBe(200);
    return r.body;
  };
  const figures = (c: any) => ({ branches: c.branches, secretaries: c.secretaries, trained: c.trained, untrained: c.untrained });

  beforeAll(async () => {
    t = await startTraining();
    // The structure of 2024: a province, the district, two communes, three residential branches.
    for (const u of [
      { id: 'p24', kind: 'province', name: 'Tỉnh đoàn Lai Châu', parentId: 'tw' },
      { id: 'd24', kind: 'district', name: 'Huyện đoàn Nậm Nhùn', parentId: 'p24' },
      { id: 'c24a', kind: 'grassroots', name: 'Đoàn xã Mường Mô', parentId: 'd24' },
      { id: 'c24b', kind: 'grassroots', name: 'Đoàn xã Nậm Hàng', parentId: 'd24' },
    ])
      await ok(t.admin.post('/units', { ...u, ...why('khởi tạo', '2024-01-01') }));
    for (const [id, parentUnitId, place] of [['r-a1', 'c24a', 'Nậm Củm'], ['r-a2', 'c24a', 'Huổi Lếch'], ['r-b1', 'c24b', 'Nậm Pồ']]) {
      await ok(t.admin.post('/branches', { id, parentUnitId, name: `Chi đoàn bản ${place}`, area: { kind: 'village', name: place }, ...why('thành lập', '2024-01-01') }));
    }
    await t.sync();
    for (const [id, branchId] of [['sec-a1', 'r-a1'], ['sec-a2', 'r-a2'], ['sec-b1', 'r-b1'], ['mentor-b1', 'r-b1']]) {
      await ok(t.admin.post('/members', { id, branchId, fullName: `Lò Thị ${id.replace(/[^a-z]/g, '')}`, dateOfBirth: '2001-05-01', gender: 'female', admittedOn: '2024-01-15', ...why('kết nạp', '2024-01-15') }));
    }
    // Two secretaries from February; the third appointed in November, after the year's course.
    for (const [branchId, memberId, startsOn] of [['r-a1', 'sec-a1', '2024-02-01'], ['r-a2', 'sec-a2', '2024-02-01'], ['r-b1', 'sec-b1', '2024-11-10']]) {
      await ok(t.admin.post(`/branches/${branchId}/officer-appointments`, { memberId, role: 'secretary', method: 'elected', source: 'other', startsOn, ...why('bầu', startsOn) }));
    }
    await t.sync();
    course2024 = (await ok(t.admin.post('/training-courses', { organiserUnitId: 'd24', title: 'Bồi dưỡng bí thư chi đoàn năm 2024', kind: 'skills', topics: [{ title: 'Nghiệp vụ công tác Đoàn' }], startsOn: '2024-04-10', endsOn: '2024-04-11', ...why('mở lớp', '2024-04-01') }))).id;
    await ok(t.admin.post(`/training-courses/${course2024}/enrolments`, { memberIds: ['sec-a1', 'sec-a2'], ...why('triệu tập', '2024-04-01') }));
    await ok(t.admin.post(`/training-courses/${course2024}/completion`, { results: [{ memberId: 'sec-a1', outcome: 'completed' }, { memberId: 'sec-a2', outcome: 'completed' }], ...why('bế giảng', '2024-04-11') }));
  }, 120_000);
  afterAll(async () => t?.gw.close());

  const before2024 = { branches: 3, secretaries: 3, trained: 2, untrained: [{ branchId: 'r-b1', memberId: 'sec-b1', since: '2024-11-10' }] };
  const octoberOf2024 = { branches: 3, secretaries: 2, trained: 2, untrained: [] };

  it('answers a district abolished in 2025 for 2024 as it stood then, asOf a date and an instant; for 2025 the branches count under the province from the move', async () => {
    expect(figures(await compliance('d24', 2024))).toEqual(before2024);
    // The 2025 reform: the communes go straight under the province, then the district is dissolved.
    const moves = [];
    for (const commune of ['c24a', 'c24b']) moves.push(await ok(t.admin.post(`/units/${commune}/moves`, { toParentId: 'p24', ...why('bỏ cấp huyện', '2025-07-01') })));
    const afterMoves = new Date().toISOString();
    await ok(t.admin.post('/units/d24/dissolution', why('bỏ cấp huyện', '2025-07-01')));
    await t.sync();
    expect((await t.admin.get('/units/d24')).body).toMatchObject({ status: 'dissolved' });

    // 2024, for the abolished district: the same figures, the same untrained, asOf a date too; CSV lists the untrained.
    expect(figures(await compliance('d24', 2024))).toEqual(before2024);
    expect(figures(await compliance('d24', 2024, '2024-10-31'))).toEqual(octoberOf2024);
    const csv = await t.admin.get('/training-compliance?unitId=d24&year=2024', { accept: 'text/csv' });
    expect(csv.raw).toBe('\ufeffbranchId,memberId,since\r\nr-b1,sec-b1,2024-11-10\r\n');
    // 2025: the district answers for its branches up to the day before the move, none at the year's end.
    expect(figures(await compliance('d24', 2025, '2025-06-30'))).toMatchObject({ branches: 3, secretaries: 3, trained: 0 });
    expect(figures(await compliance('d24', 2025))).toEqual({ branches: 0, secretaries: 0, trained: 0, untrained: [] });
    expect(figures(await compliance('p24', 2025))).toMatchObject({ branches: 3, secretaries: 3, trained: 0 });
    // asOf an instant: what the register had recorded by then (the moves recorded, the dissolution not yet: the district is empty at the year's end) ...
    expect(moves.length).toBe(2);
    expect(figures(await compliance('d24', 2025, afterMoves))).toMatchObject({ branches: 0 });
    // ... and an instant before the moves were recorded: the district still held its three branches.
    const movedAt = (await t.gw.store.readAll(0, 100_000)).find((e: any) => e.type === 'UnitMoved' && e.data.unitId === 'c24a')!.recordedAt;
    const justBefore = new Date(new Date(movedAt).getTime() - 1).toISOString();
    expect(figures(await compliance('d24', 2025, justBefore))).toMatchObject({ branches: 3, secretaries: 3 });
    expect(figures(await compliance('d24', 2024, justBefore))).toEqual(before2024);
  });
});
