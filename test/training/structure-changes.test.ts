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
    // Its year's end, once it is dissolved, is 404 as its summary is, naming the day to ask instead (a probe read part of a merged commune's year).
    const closed = await t.admin.get(`/training-compliance?unitId=d24&year=2025&minPosition=${await t.trainingLog.headPosition()}`);
    expect([closed.status, closed.body.detail]).toEqual([404, expect.stringContaining('closed on 2025-07-01')]);
    expect(closed.body.detail).toContain('asOf=2025-06-30');
    expect(figures(await compliance('p24', 2025))).toMatchObject({ branches: 3, secretaries: 3, trained: 0 });
    // asOf an instant: what the register had recorded by then (the moves recorded, the dissolution not yet: the district is empty at the year's end) ...
    expect(moves.length).toBe(2);
    expect(figures(await compliance('d24', 2025, afterMoves))).toMatchObject({ branches: 0 });
    // ... and an instant before the moves were recorded: the district still held its three branches.
    const movedAt = (await t.gw.store.readAll(0, 100_000)).find((e: any) => e.type === 'UnitMoved' && e.data.unitId === 'c24a')!.recordedAt;
    const justBefore = new Date(new Date(movedAt).getTime() - 1).toISOString();
    expect(figures(await compliance('d24', 2025, justBefore))).toMatchObject({ branches: 3, secretaries: 3 });
    expect(figures(await compliance('d24', 2024, justBefore))).toEqual(before2024);

    // The course list of the district as of 2024 holds its communes' courses of then, though they moved away since (a black-box probe found none).
    const communeCourse = (await ok(t.admin.post('/training-courses', { organiserUnitId: 'c24a', title: 'Sinh hoạt chuyên đề xã Mường Mô 2024', kind: 'political-theory', topics: [{ title: 'Lịch sử Đoàn' }], startsOn: '2024-05-10', endsOn: '2024-05-10', ...why('mở lớp', '2024-05-01') }))).id;
    const listed = async (query: string) => (await t.admin.get(`/training-courses?organiserUnitId=d24&year=2024${query}&minPosition=${await t.trainingLog.headPosition()}`)).body.items.map((c: any) => c.id).sort();
    expect(await listed('&asOf=2024-12-31')).toEqual([course2024, communeCourse].sort());
    expect(await listed('')).toEqual([course2024]);
  });

  it("counts a moved branch's secretary under the new parent from the move's day; scope follows the move; the branch keeps its mentor", async () => {
    const mentor = await ok(t.admin.post('/mentor-assignments', { branchId: 'r-a1', mentorMemberId: 'mentor-b1', startsOn: '2025-08-01', ...why('phân công phụ trách', '2025-08-01') }));
    // r-a1 (under the commune c24a, now under the province p24) moves to the commune xa-1 of the district qp.
    await ok(t.admin.post('/branches/r-a1/moves', { toUnitId: 'xa-1', ...why('điều chỉnh địa giới', '2025-09-01') }));
    await t.sync();
    const listed = (c: any) => c.untrained.map((u: any) => [u.branchId, u.memberId, u.since]);
    // The day before the move: under the province, not the district.
    expect(listed(await compliance('p24', 2025, '2025-08-31'))).toContainEqual(['r-a1', 'sec-a1', '2025-01-01']);
    expect(figures(await compliance('qp', 2025, '2025-08-31'))).toEqual({ branches: 3, secretaries: 0, trained: 0, untrained: [] });
    // From the move's day: under the district qp, gone from the province.
    expect(figures(await compliance('qp', 2025, '2025-09-01'))).toEqual({ branches: 4, secretaries: 1, trained: 0, untrained: [{ branchId: 'r-a1', memberId: 'sec-a1', since: '2025-01-01' }] });
    const province = await compliance('p24', 2025);
    expect({ branches: province.branches, listed: listed(province).map(([b]: string[]) => b) }).toEqual({ branches: 2, listed: ['r-a2', 'r-b1'] });
    // A course of the new district trains them: the district's compliance counts them trained.
    const course = (await ok(t.admin.post('/training-courses', { organiserUnitId: 'qp', title: 'Bồi dưỡng bí thư chi đoàn mới chuyển về', kind: 'skills', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: '2025-10-06', endsOn: '2025-10-07', ...why('mở lớp', '2025-09-20') }))).id;
    await ok(t.admin.post(`/training-courses/${course}/enrolments`, { memberIds: ['sec-a1'], ...why('triệu tập', '2025-09-20') }));
    await ok(t.admin.post(`/training-courses/${course}/completion`, { results: [{ memberId: 'sec-a1', outcome: 'completed' }], ...why('bế giảng', '2025-10-07') }));
    expect(figures(await compliance('qp', 2025))).toEqual({ branches: 4, secretaries: 1, trained: 1, untrained: [] });
    const read = await t.admin.get(`/training-courses/${course}?minPosition=${await t.trainingLog.headPosition()}`);
    expect(read.body.participants).toEqual([expect.objectContaining({ memberId: 'sec-a1', branchId: 'r-a1', post: 'secretary', outcome: 'completed' })]);
    // Scope follows the move: the new district's officer enrols the branch's secretary; the province's officer no longer may (403).
    const officerOf = async (unitId: string) => t.gw.api(await t.gw.bearer({ sub: `officer-${unitId}`, roles: ['unit-officer'], scopeUnitId: unitId }));
    const [districtOfficer, provinceOfficer] = [await officerOf('qp'), await officerOf('p24')];
    const ofDistrict = (await ok(districtOfficer.post('/training-courses', { organiserUnitId: 'xa-1', title: 'Sinh hoạt chuyên đề', kind: 'skills', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: '2025-11-03', endsOn: '2025-11-03', ...why('mở lớp') }))).id;
    expect((await districtOfficer.post(`/training-courses/${ofDistrict}/enrolments`, { memberIds: ['sec-a1'], ...why('triệu tập') })).status).toBe(201);
    const ofProvince = (await ok(provinceOfficer.post('/training-courses', { organiserUnitId: 'p24', title: 'Sinh hoạt chuyên đề', kind: 'skills', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: '2025-11-03', endsOn: '2025-11-03', ...why('mở lớp') }))).id;
    await t.refusedUnchanged(403, () => provinceOfficer.post(`/training-courses/${ofProvince}/enrolments`, { memberIds: ['sec-a1'], ...why('triệu tập') }));
    // A move closes nothing: the branch keeps its mentor.
    expect((await t.admin.get('/branches/r-a1/mentors')).body.items).toEqual([expect.objectContaining({ assignmentId: mentor.id, mentorMemberId: 'mentor-b1', status: 'active', endsOn: null })]);
    expect((await t.trainingLog.readAll(0, 10_000)).filter((e) => e.type === 'MentorAssignmentEnded')).toEqual([]);
  });

  it('keeps the post a transferred secretary held at enrolment, counts them for the year in the branch they led, and enrols them afterwards with their new branch and no post', async () => {
    // Personnel refuses to transfer a member holding a post: they leave it first.
    await ok(t.admin.post('/branches/r-a2/officer-departures', { memberId: 'sec-a2', endsOn: '2025-03-01', cause: 'relieved', ...why('chuyển sinh hoạt', '2025-03-01') }));
    await ok(t.admin.post('/members/sec-a2/transfers', { toBranchId: 'r-b1', duesSettledUpTo: '2025-03-31', ...why('chuyển sinh hoạt', '2025-03-01') }));
    await t.sync();
    const enrolled = (await t.admin.get(`/training-courses/${course2024}?minPosition=${await t.trainingLog.headPosition()}`)).body.participants;
    expect(enrolled.find((p: any) => p.memberId === 'sec-a2')).toMatchObject({ branchId: 'r-a2', post: 'secretary', outcome: 'completed' });
    expect((await t.admin.get('/training-records?memberId=sec-a2')).body.items).toEqual([expect.objectContaining({ courseId: course2024, post: 'secretary', outcome: 'completed' })]);
    // Secretary of r-a2 in January and February 2025: due that year, under r-a2, until trained.
    expect((await compliance('p24', 2025)).untrained).toContainEqual({ branchId: 'r-a2', memberId: 'sec-a2', since: '2025-01-01' });
    expect((await compliance('p24', 2025, '2025-02-15')).untrained).toContainEqual({ branchId: 'r-a2', memberId: 'sec-a2', since: '2025-01-01' });
    // 2024 unchanged: trained as the secretary of r-a2.
    expect(figures(await compliance('d24', 2024))).toEqual(before2024);
    // Enrolled after the transfer: their new branch, no post.
    const course = (await ok(t.admin.post('/training-courses', { organiserUnitId: 'p24', title: 'Lớp cảm tình Đoàn năm 2025', kind: 'political-theory', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: '2025-05-05', endsOn: '2025-05-06', ...why('mở lớp', '2025-04-20') }))).id;
    await ok(t.admin.post(`/training-courses/${course}/enrolments`, { memberIds: ['sec-a2'], ...why('triệu tập', '2025-04-20') }));
    const read = await t.admin.get(`/training-courses/${course}?minPosition=${await t.trainingLog.headPosition()}`);
    expect(read.body.participants).toEqual([expect.objectContaining({ memberId: 'sec-a2', branchId: 'r-b1', post: 'none' })]);
  });

  it("a commune merged into another: its courses are listed under the successor and its province, and the successor's officer reads them (found by a black-box probe)", async () => {
    await ok(t.admin.post('/units', { id: 'cm-old', kind: 'grassroots', name: 'Đoàn xã Pa Vây Sử', parentId: 'p24', ...why('thành lập', '2024-01-01') }));
    await ok(t.admin.post('/units', { id: 'p-other', kind: 'province', name: 'Tỉnh đoàn Điện Biên', parentId: 'tw', ...why('thành lập', '2024-01-01') }));
    await ok(t.admin.post('/units', { id: 'cm-new', kind: 'grassroots', name: 'Đoàn xã Mường Tè', parentId: 'p-other', ...why('thành lập', '2024-01-01') }));
    await t.sync();
    const course = (await ok(t.admin.post('/training-courses', { organiserUnitId: 'cm-old', title: 'Lớp bồi dưỡng bí thư xã Pa Vây Sử', kind: 'skills', topics: [{ title: 'Kỹ năng' }], startsOn: '2025-03-10', endsOn: '2025-03-11', ...why('mở lớp', '2025-03-01') }))).id;
    await ok(t.admin.post('/unit-mergers', { sourceUnitIds: ['cm-old'], into: { unitId: 'cm-new' }, ...why('sáp nhập xã', '2025-07-01') }));
    await t.sync();
    const listed = async (unitId: string) => (await t.admin.get(`/training-courses?organiserUnitId=${unitId}&minPosition=${await t.trainingLog.headPosition()}`)).body.items.map((c: any) => c.id);
    expect([await listed('cm-new'), await listed('p-other'), await listed('cm-old')]).toEqual([[course], expect.arrayContaining([course]), [course]]);
    const successor = t.gw.api(await t.gw.bearer({ sub: 'cm-new-officer', roles: ['unit-officer'], scopeUnitId: 'cm-new' }));
    const old = t.gw.api(await t.gw.bearer({ sub: 'cm-old-officer', roles: ['unit-officer'], scopeUnitId: 'cm-old' }));
    expect([(await successor.get(`/training-courses/${course}`)).status, (await old.get(`/training-courses/${course}`)).status]).toEqual([200, 200]);
    // Its steps are the successor's now: the merged commune's officer reads it, and no longer runs it (a probe saw it complete the course).
    const cancel = { ...why('hoãn lớp') };
    expect((await old.post(`/training-courses/${course}/cancellation`, cancel)).status).toBe(403);
    expect((await successor.post(`/training-courses/${course}/cancellation`, cancel)).status).toBe(201);
  });

  it("a dissolved commune's officer no longer reaches its members left unassigned, nor their course; the district above does (found by a black-box probe)", async () => {
    await ok(t.admin.post('/units', { id: 'cd-gone', kind: 'grassroots', name: 'Đoàn xã Nậm Ban', parentId: 'p24', ...why('thành lập', '2024-01-01') }));
    await ok(t.admin.post('/branches', { id: 'r-gone', parentUnitId: 'cd-gone', name: 'Chi đoàn bản Nậm Ban', area: { kind: 'village', name: 'Nậm Ban' }, ...why('thành lập', '2024-01-01') }));
    await t.sync();
    await ok(t.admin.post('/members', { id: 'm-gone', branchId: 'r-gone', fullName: 'Lò Văn Bản', dateOfBirth: '2001-05-01', gender: 'male', admittedOn: '2024-01-15', ...why('kết nạp', '2024-01-15') }));
    const course = (await ok(t.admin.post('/training-courses', { organiserUnitId: 'cd-gone', title: 'Lớp bồi dưỡng xã Nậm Ban', kind: 'skills', topics: [{ title: 'Kỹ năng' }], startsOn: '2025-03-10', endsOn: '2025-03-11', ...why('mở lớp', '2025-03-01') }))).id;
    await ok(t.admin.post('/branches/r-gone/dissolution', why('giải thể chi đoàn', '2025-06-30')));
    await ok(t.admin.post('/units/cd-gone/dissolution', why('giải thể xã', '2025-07-01')));
    await t.sync();
    const gone = t.gw.api(await t.gw.bearer({ sub: 'cd-gone-officer', roles: ['unit-officer'], scopeUnitId: 'cd-gone' }));
    const secretary = t.gw.api(await t.gw.bearer({ sub: 'r-gone-secretary', roles: ['branch-secretary'], scopeBranchId: 'r-gone' }));
    const above = t.gw.api(await t.gw.bearer({ sub: 'p24-officer', roles: ['unit-officer'], scopeUnitId: 'p24' }));
    const statuses = async (api: typeof gone) => [
      (await api.get('/members/m-gone')).status,
      (await api.get('/members?unitId=cd-gone')).status,
      (await api.post('/members/m-gone/personal-data-corrections', { phone: '0912345678', ...why('cập nhật') })).status,
    ];
    expect(await statuses(gone)).toEqual([403, 403, 403]);
    expect((await secretary.get('/members/m-gone')).status).toBe(403);
    expect(await statuses(above)).toEqual([200, 200, 201]);
    // Its past is still its officers' to read.
    // Its past as known now carries what was corrected since: not its officers' to read. As known before
    // its closure it is (this register recorded everything today, so then it knew no unit: 404, not 403).
    expect([(await gone.get('/members?unitId=cd-gone&asOf=2025-03-01')).status, (await gone.get('/members?unitId=cd-gone&asOf=2025-03-01&knownAt=2025-06-01T00:00:00Z')).status]).toEqual([403, 404]);
    expect((await above.get('/members?unitId=cd-gone&asOf=2025-03-01')).status).toBe(200);
    // A day after its closure is not its to read: it was found reading yesterday's roster.
    expect([(await gone.get('/members?unitId=cd-gone&asOf=2025-08-01')).status, (await above.get('/members?unitId=cd-gone&asOf=2025-08-01')).status]).toEqual([403, 200]);
    expect((await gone.post(`/training-courses/${course}/cancellation`, why('hoãn lớp'))).status).toBe(403);
    expect((await above.post(`/training-courses/${course}/cancellation`, why('hoãn lớp'))).status).toBe(201);
  });
});

