import { TrainingFacts } from '../../services/training/src/application/training-facts';
import { admit, appoint, startTraining, TrainingApp, why } from './training-app';

/** A course end to end through the gateway of the embedded start (PGlite, the embedded read store). */
describe('training courses through the gateway (embedded)', () => {
  let t: TrainingApp;
  let course: string;

  beforeAll(async () => {
    t = await startTraining();
    await admit(t.admin, 'b-1', ['m-sec', 'm-dep', 'm-x']);
    await admit(t.admin, 'b-9', ['m-far']);
    await appoint(t.admin, 'b-1', 'm-sec', 'secretary');
    await appoint(t.admin, 'b-1', 'm-dep', 'deputy-secretary');
    await t.sync();
  });
  afterAll(async () => t?.gw.close());

  it('schedules a course of a unit with its topics, days, location and partner', async () => {
    const r = await t.admin.post('/training-courses', {
      organiserUnitId: 'qp', title: 'Bồi dưỡng bí thư chi đoàn 2025', kind: 'skills', topics: [{ title: 'Kỹ năng tổ chức sinh hoạt chi đoàn' }, { title: 'Hồ sơ, sổ sách chi đoàn' }],
      startsOn: '2025-04-10', endsOn: '2025-04-12', location: 'Hội trường huyện', partner: 'Trung tâm chính trị huyện Quế Phong', ...why(),
    });
    expect(r.status).toBe(201);
    course = r.body.id;
    const read = await t.admin.get(`/training-courses/${course}?minPosition=${r.body.position}`);
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe('"0"');
    expect(read.body).toMatchObject({ id: course, organiserUnitId: 'qp', kind: 'skills', startsOn: '2025-04-10', endsOn: '2025-04-12', year: 2025, partner: 'Trung tâm chính trị huyện Quế Phong', status: 'open', participants: [] });
  });

  it('refuses a course of a unit dissolved by its first day (422 organiser-closed)', async () => {
    expect((await t.admin.post('/units', { id: 'xa-closed', kind: 'grassroots', parentId: 'qp', name: 'Đoàn xã Giải Thể', ...why('thành lập', '2024-01-01') })).status).toBe(201);
    expect((await t.admin.post('/units/xa-closed/dissolution', why('giải thể', '2025-06-01'))).status).toBe(201);
    await t.sync();
    const course = (startsOn: string) => ({ organiserUnitId: 'xa-closed', title: 'Lớp của xã đã giải thể', kind: 'skills', topics: [{ title: 'Kỹ năng' }], startsOn, endsOn: startsOn, ...why() });
    expect((await t.refusedUnchanged(422, () => t.admin.post('/training-courses', course('2025-07-01')))).body.rule).toBe('organiser-closed');
    expect((await t.admin.post('/training-courses', course('2024-05-01'))).status).toBe(201);
  });

  it('refuses a course that ends before it starts (422) and a body without its fields (400 naming each), appending nothing', async () => {
    const bad = await t.refusedUnchanged(422, () => t.admin.post('/training-courses', { organiserUnitId: 'qp', title: 'Lớp', kind: 'skills', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: '2025-04-10', endsOn: '2025-04-09', ...why() }));
    expect(bad.body.rule).toBe('ends-before-start');
    const invalid = await t.refusedUnchanged(400, () => t.admin.post('/training-courses', { organiserUnitId: 'qp', kind: 'cooking', startsOn: '10/04/2025', reason: 'x' }));
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['title', 'kind', 'topics', 'startsOn', 'endsOn']));
  });

  it('enrols members with the post each holds that day; the same member twice is 409, a stranger 422', async () => {
    const r = await t.admin.post(`/training-courses/${course}/enrolments`, { memberIds: ['m-sec', 'm-dep', 'm-x'], ...why('đăng ký học viên', '2025-04-01') });
    expect(r.status).toBe(201);
    const read = await t.admin.get(`/training-courses/${course}?minPosition=${r.body.position}`);
    expect(read.body.participants.map((p: { memberId: string; post: string; branchId: string }) => [p.memberId, p.post, p.branchId])).toEqual([
      ['m-dep', 'deputy-secretary', 'b-1'],
      ['m-sec', 'secretary', 'b-1'],
      ['m-x', 'none', 'b-1'],
    ]);
    const twice = await t.refusedUnchanged(409, () => t.admin.post(`/training-courses/${course}/enrolments`, { memberIds: ['m-sec'], ...why() }));
    expect(twice.body.rule).toBe('already-enrolled');
    const stranger = await t.refusedUnchanged(422, () => t.admin.post(`/training-courses/${course}/enrolments`, { memberIds: ['nobody'], ...why() }));
    expect(stranger.body.rule).toBe('not-an-active-member');
    // A member the register never named has no training records: 404 (was an empty 200; found by a black-box probe).
    expect((await t.admin.get('/training-records?memberId=nobody')).status).toBe(404);
    // A member admitted only after the course's last day (2025-04-12) took no part in it.
    expect((await t.admin.post('/members', { id: 'm-late', branchId: 'b-1', fullName: 'Lò Văn Muộn', dateOfBirth: '2000-01-01', gender: 'male', admittedOn: '2025-05-01', reason: 'kết nạp' })).status).toBe(201);
    await t.sync();
    const late = await t.refusedUnchanged(422, () => t.admin.post(`/training-courses/${course}/enrolments`, { memberIds: ['m-late'], ...why() }));
    expect(late.body.rule).toBe('admitted-after-course');
    await t.refusedUnchanged(400, () => t.admin.post(`/training-courses/${course}/enrolments`, { memberIds: ['m-far', 'm-far'], ...why() }));
    await t.refusedUnchanged(404, () => t.admin.post('/training-courses/no-such-course/enrolments', { memberIds: ['m-far'], ...why() }));
  });

  it('records attendance on the days of the course only', async () => {
    const day1 = await t.admin.post(`/training-courses/${course}/attendance`, { on: '2025-04-10', presentMemberIds: ['m-sec', 'm-dep', 'm-x'], ...why() });
    const day2 = await t.admin.post(`/training-courses/${course}/attendance`, { on: '2025-04-11', presentMemberIds: ['m-sec'], ...why() });
    expect([day1.status, day2.status]).toEqual([201, 201]);
    const outside = await t.refusedUnchanged(422, () => t.admin.post(`/training-courses/${course}/attendance`, { on: '2025-04-13', presentMemberIds: ['m-sec'], ...why() }));
    expect(outside.body.rule).toBe('day-outside-course');
    const read = await t.admin.get(`/training-courses/${course}?minPosition=${day2.body.position}`);
    expect(read.body.participants.find((p: { memberId: string }) => p.memberId === 'm-sec').attendedOn).toEqual(['2025-04-10', '2025-04-11']);
    expect(read.body.participants.find((p: { memberId: string }) => p.memberId === 'm-x').attendedOn).toEqual(['2025-04-10']);
  });

  it('completes with an outcome per participant, after which the course is closed (422) to enrolment', async () => {
    const missing = await t.refusedUnchanged(422, () => t.admin.post(`/training-courses/${course}/completion`, { results: [{ memberId: 'm-sec', outcome: 'completed' }], ...why() }));
    expect(missing.body.rule).toBe('outcome-missing');
    // A blank certificate number reads as one given: refused, naming it (a black-box probe).
    const blank = await t.refusedUnchanged(400, () => t.admin.post(`/training-courses/${course}/completion`, { results: [{ memberId: 'm-sec', outcome: 'completed', certificateNo: '   ' }, { memberId: 'm-dep', outcome: 'completed' }, { memberId: 'm-x', outcome: 'not-completed' }], ...why() }));
    expect(blank.body.errors.map((e: { field: string }) => e.field)).toEqual(['results.0.certificateNo']);
    const read0 = await t.admin.get(`/training-courses/${course}`);
    const results = [{ memberId: 'm-sec', outcome: 'completed', certificateNo: 'CN-01' }, { memberId: 'm-dep', outcome: 'completed' }, { memberId: 'm-x', outcome: 'not-completed' }];
    const stale = await t.refusedUnchanged(409, () =>
      t.admin.post(`/training-courses/${course}/completion`, { results, ...why() }, { 'if-match': `"${Number(JSON.parse(read0.headers.etag as string)) - 1}"` }),
    );
    expect(stale.body.status).toBe(409);
    const complete = () => t.admin.post(`/training-courses/${course}/completion`, { results, ...why() }, { 'if-match': read0.headers.etag as string, 'idempotency-key': 'complete-1' });
    const done = await complete();
    expect(done.status).toBe(201);
    const again = await complete();
    expect(again.body).toMatchObject({ id: course, position: done.body.position });
    const closed = await t.refusedUnchanged(422, () => t.admin.post(`/training-courses/${course}/enrolments`, { memberIds: ['m-far'], ...why() }));
    expect(closed.body.rule).toBe('course-closed');
    const read = await t.admin.get(`/training-courses/${course}?minPosition=${done.body.position}`);
    expect(read.body).toMatchObject({ status: 'closed', closedOn: '2025-04-12' });
    expect(read.body.participants.map((p: { memberId: string; outcome: string }) => [p.memberId, p.outcome])).toEqual([['m-dep', 'completed'], ['m-sec', 'completed'], ['m-x', 'not-completed']]);
    const record = await t.admin.get(`/training-records?memberId=m-sec&minPosition=${done.body.position}`);
    expect(record.body.items).toEqual([expect.objectContaining({ courseId: course, post: 'secretary', outcome: 'completed', certificateNo: 'CN-01', attendedOn: ['2025-04-10', '2025-04-11'] })]);
  });

  it('answers the course as it stood on a date (asOf) and lists courses by unit subtree and year, also as CSV', async () => {
    const then = await t.admin.get(`/training-courses/${course}?asOf=2025-04-10`);
    expect(then.body).toMatchObject({ status: 'open', participants: expect.arrayContaining([expect.objectContaining({ memberId: 'm-sec', attendedOn: ['2025-04-10'], outcome: null })]) });
    // The last day as the register knew it just before the completion was recorded: still open.
    const completion = (await t.trainingLog.readStream(`course-${course}`)).find((e) => e.type === 'CourseCompleted')!;
    const knownAt = new Date(new Date(completion.recordedAt).getTime() - 1).toISOString();
    expect((await t.admin.get(`/training-courses/${course}?asOf=2025-04-12&knownAt=${knownAt}`)).body).toMatchObject({ status: 'open' });
    expect((await t.admin.get(`/training-courses/${course}?asOf=2025-04-12`)).body).toMatchObject({ status: 'closed' });
    expect((await t.admin.get(`/training-courses/${course}?asOf=${knownAt}&knownAt=${knownAt}`)).status).toBe(400);
    const list = await t.admin.get('/training-courses?organiserUnitId=na&year=2025');
    expect(list.body).toEqual({ items: [expect.objectContaining({ id: course, participants: 3 })], nextCursor: null });
    expect((await t.admin.get('/training-courses?organiserUnitId=th')).body.items).toEqual([]);
    const csv = await t.admin.get('/training-courses?year=2025', { accept: 'text/csv' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.raw.startsWith('\ufeffid,organiserUnitId,title')).toBe(true);
    expect(csv.raw).toContain('Bồi dưỡng bí thư chi đoàn 2025');
    await t.refusedUnchanged(400, () => t.admin.get('/training-courses?cursor=%%%'));
    await t.refusedUnchanged(400, () => t.admin.get('/training-courses?year=abc'));
    // The list takes asOf and knownAt too (api.md: reads that show state do): each course as it stood then, none not yet recorded.
    const listed = async (query: string) => (await t.admin.get(`/training-courses?organiserUnitId=na&year=2025&${query}`)).body.items.map((c: { id: string; status: string; participants: number }) => [c.id, c.status, c.participants]);
    expect(await listed('asOf=2025-04-10')).toEqual([[course, 'open', 3]]);
    expect(await listed(`asOf=2025-04-12&knownAt=${knownAt}`)).toEqual([[course, 'open', 3]]);
    expect(await listed('asOf=2025-04-12')).toEqual([[course, 'closed', 3]]);
    const scheduled = (await t.trainingLog.readStream(`course-${course}`))[0];
    expect(await listed(`knownAt=${new Date(new Date(scheduled.recordedAt).getTime() - 1).toISOString()}`)).toEqual([]);
  });

  it('a course scheduled without an effective date stands, read asOf, from its first enrolment dated before its start (a probe read 404 on days it took enrolments)', async () => {
    const scheduled = await t.admin.post('/training-courses', { organiserUnitId: 'qp', title: 'Lớp nhập sau', kind: 'skills', topics: [{ title: 'Kỹ năng' }], startsOn: '2025-05-20', endsOn: '2025-05-21', reason: 'nhập lớp đã tổ chức' });
    expect(scheduled.status).toBe(201);
    const late = scheduled.body.id;
    expect((await t.admin.post(`/training-courses/${late}/enrolments`, { memberIds: ['m-dep'], ...why('đăng ký học viên', '2025-05-01') })).status).toBe(201);
    const on = async (day: string) => {
      const r = await t.admin.get(`/training-courses/${late}?asOf=${day}`);
      return r.status === 200 ? [r.body.status, r.body.participants.map((p: { memberId: string }) => p.memberId)] : r.status;
    };
    expect(await on('2025-04-20')).toBe(404);
    expect(await on('2025-05-10')).toEqual(['open', ['m-dep']]);
    expect(await on('2025-05-20')).toEqual(['open', ['m-dep']]);
    const listed = (await t.admin.get('/training-courses?organiserUnitId=qp&year=2025&asOf=2025-05-10')).body.items.map((c: { id: string }) => c.id);
    expect(listed).toContain(late);
  });

  it("keeps no member's name: an erasure in personnel leaves nothing to drop in training's log or read models", async () => {
    const names = /Lò Văn|fullName|dateOfBirth/;
    const erased = await t.admin.post('/members/m-x/personal-data-erasure', { reason: 'yêu cầu xóa dữ liệu' });
    expect(erased.status).toBe(201);
    await t.sync();
    expect(t.gw.app.get(TrainingFacts).erased('m-x')).toBe(true);
    const reads = [await t.admin.get(`/training-courses/${course}`), await t.admin.get('/training-records?memberId=m-x'), await t.admin.get(`/training-courses/${course}?asOf=2025-04-12`)];
    expect(reads.map((r) => [r.status, names.test(r.raw)])).toEqual([[200, false], [200, false], [200, false]]);
    expect(reads[1].body.items).toEqual([expect.objectContaining({ memberId: 'm-x', outcome: 'not-completed' })]);
    expect(names.test(JSON.stringify(await t.trainingLog.readAll(0, 10_000)))).toBe(false);
  });

  it('cancels an open course with its reason; a cancelled course takes nothing more', async () => {
    const r = await t.admin.post('/training-courses', { organiserUnitId: 'xa-1', title: 'Lý luận chính trị', kind: 'political-theory', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: '2025-09-01', endsOn: '2025-09-02', ...why() });
    const cancelled = await t.admin.post(`/training-courses/${r.body.id}/cancellation`, { reason: 'bão lũ, hoãn lớp', effectiveDate: '2025-08-20' });
    expect(cancelled.status).toBe(201);
    const read = await t.admin.get(`/training-courses/${r.body.id}?minPosition=${cancelled.body.position}`);
    expect(read.body).toMatchObject({ status: 'cancelled', closedOn: '2025-08-20' });
    const events = await t.trainingLog.readStream(`course-${r.body.id}`);
    expect(events[1].metadata).toMatchObject({ actor: 'admin', reason: 'bão lũ, hoãn lớp', effectiveDate: '2025-08-20' });
    await t.refusedUnchanged(422, () => t.admin.post(`/training-courses/${r.body.id}/cancellation`, { reason: 'lần nữa' }));
    await t.refusedUnchanged(400, () => t.admin.post(`/training-courses/${r.body.id}/cancellation`, {}));
  });

  it('a course entered late records the post each held on the enrolment\'s day, not today\'s', async () => {
    await admit(t.admin, 'b-2', ['m-was']);
    await appoint(t.admin, 'b-2', 'm-was', 'secretary', '2025-02-01');
    expect((await t.admin.post('/branches/b-2/officer-departures', { memberId: 'm-was', endsOn: '2025-03-01', cause: 'resigned', ...why('thôi giữ chức') })).status).toBe(201);
    await t.sync();
    const late = await t.admin.post('/training-courses', { organiserUnitId: 'xa-1', title: 'Lớp ghi lùi ngày', kind: 'skills', topics: [{ title: 'Kỹ năng' }], startsOn: '2025-02-10', endsOn: '2025-02-11', ...why() });
    expect(late.status).toBe(201);
    const r = await t.admin.post(`/training-courses/${late.body.id}/enrolments`, { memberIds: ['m-was', 'm-x'], ...why('đăng ký', '2025-02-05') });
    expect(r.status).toBe(201);
    const read = await t.admin.get(`/training-courses/${late.body.id}?minPosition=${r.body.position}`);
    expect(read.body.participants.map((p: { memberId: string; post: string; branchId: string }) => [p.memberId, p.post, p.branchId])).toEqual([['m-was', 'secretary', 'b-2'], ['m-x', 'none', 'b-1']]);
  });

  it('a course entered late places a member holding no post in their branch of the enrolment\'s day, and takes one who has left since', async () => {
    await admit(t.admin, 'b-2', ['m-moved', 'm-gone']);
    expect((await t.admin.post('/members/m-moved/transfers', { toBranchId: 'b-1', ...why('chuyển sinh hoạt', '2025-03-01') })).status).toBe(201);
    expect((await t.admin.post('/members/m-gone/status-changes', { status: 'left', ...why('ra khỏi đoàn', '2025-03-01') })).status).toBe(201);
    await t.sync();
    const late = await t.admin.post('/training-courses', { organiserUnitId: 'xa-1', title: 'Lớp tháng hai', kind: 'skills', topics: [{ title: 'Kỹ năng' }], startsOn: '2025-02-20', endsOn: '2025-02-21', ...why() });
    const r = await t.admin.post(`/training-courses/${late.body.id}/enrolments`, { memberIds: ['m-moved', 'm-gone'], ...why('đăng ký', '2025-02-10') });
    expect(r.status).toBe(201);
    const read = await t.admin.get(`/training-courses/${late.body.id}?minPosition=${r.body.position}`);
    expect(read.body.participants.map((p: { memberId: string; branchId: string }) => [p.memberId, p.branchId])).toEqual([['m-gone', 'b-2'], ['m-moved', 'b-2']]);
    // Today they are in b-1, or gone.
    const now = await t.admin.post('/training-courses', { organiserUnitId: 'xa-1', title: 'Lớp hôm nay', kind: 'skills', topics: [{ title: 'Kỹ năng' }], startsOn: '2026-12-20', endsOn: '2026-12-21', ...why() });
    expect((await t.refusedUnchanged(422, () => t.admin.post(`/training-courses/${now.body.id}/enrolments`, { memberIds: ['m-gone'], ...why() }))).body.rule).toBe('not-an-active-member');
  });
});
