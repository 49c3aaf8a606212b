import { parse } from 'csv-parse/sync';
import { API_PREFIX } from '@register/service-kit';
import { applicant, csvOf, multipartBody } from '../support/member-import-files';
import { Gateway, startSeeded, why } from './gateway-app';

jest.setTimeout(180_000);

/** A CSV answer's rows by header, after checking it is UTF-8 CSV with a BOM. */
function rowsOf(r: { status: number; headers: Record<string, unknown>; raw: string }): Array<Record<string, string>> {
  expect(r.status).toBe(200);
  expect(String(r.headers['content-type'])).toBe('text/csv; charset=utf-8');
  expect(r.raw.startsWith('\ufeff')).toBe(true);
  return parse(r.raw, { bom: true, columns: true }) as Array<Record<string, string>>;
}

/**
 * Issue 19, point 3: every list answers Accept: text/csv through the gateway (embedded), UTF-8 with
 * a BOM, the whole list page after page; names with Vietnamese diacritics come back intact.
 */
describe('lists as CSV (embedded, through the gateway)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  const csv = (path: string) => gw.inject({ method: 'GET', url: `/${API_PREFIX}${path}`, headers: { ...adminHeaders, accept: 'text/csv' } });
  let adminHeaders: Record<string, string>;
  const names = ['Lò Thị Hương', 'Nguyễn Thị Ánh Nguyệt', 'Hà Văn "Tý", con', 'Đặng Ngọc Ẩn'];

  beforeAll(async () => {
    const seeded = await startSeeded();
    gw = seeded.gw;
    admin = seeded.admin;
    adminHeaders = await gw.bearer({ sub: 'admin', roles: ['central-admin'] });
    await gw.syncPersonnel();
    for (const [i, fullName] of names.entries()) {
      const r = await admin.post('/members', { id: `m-${i}`, branchId: 'b-1', fullName, dateOfBirth: '2001-02-03', gender: 'female', admittedOn: '2020-03-26', ...why() });
      expect(r.status).toBe(201);
    }
    // A name that starts like a formula is no name (refused since 6 December 2026); a reason may, and the CSV defuses it.
    const formula = { id: 'm-4', branchId: 'b-1', dateOfBirth: '2001-02-03', gender: 'female', admittedOn: '2020-03-26', ...why() };
    expect((await admin.post('/members', { ...formula, fullName: '=Vi Văn Pục' })).status).toBe(400);
    expect((await admin.post('/members', { ...formula, fullName: 'Vi Văn Pục', reason: '=HYPERLINK("http://x.example","kết nạp")' })).status).toBe(201);
    const appointed = await admin.post('/branches/b-1/officer-appointments', { memberId: 'm-0', role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-02-01', ...why() });
    expect(appointed.status).toBe(201);
  });
  afterAll(() => gw?.close());

  const fresh = async (path: string) => `${path}${path.includes('?') ? '&' : '?'}minPosition=${await gw.personnelStore.headPosition()}`;

  it('the member list round-trips Vietnamese names intact (and a name that starts like a formula is defused), and no one keeps a copy of it', async () => {
    const answer = await csv(await fresh('/members?branchId=b-1'));
    // personal data: neither a browser nor a proxy may cache it, nor sniff it into something else
    expect([answer.headers['cache-control'], answer.headers['x-content-type-options']]).toEqual(['no-store', 'nosniff']);
    const json = await gw.inject({ method: 'GET', url: `/${API_PREFIX}/members/m-0`, headers: adminHeaders });
    expect([json.status, json.headers['cache-control']]).toEqual([200, 'no-store']);
    const rows = rowsOf(answer);
    expect(Object.keys(rows[0])).toEqual(['id', 'fullName', 'dateOfBirth', 'gender', 'branchId', 'status', 'admittedOn']);
    expect(rows.map((r) => r.fullName).sort()).toEqual([...names, 'Vi Văn Pục'].sort());
    const events = rowsOf(await csv('/audit/events?service=personnel&streamId=member-m-4'));
    expect(events.find((e) => e.type === 'MemberAdmitted')?.reason).toBe('\'=HYPERLINK("http://x.example","kết nạp")');
  });

  it('branches, officers, vacancies and audit events answer CSV', async () => {
    const branches = rowsOf(await csv('/branches?parentUnitId=qp'));
    expect(branches.map((b) => b.name).sort()).toEqual(['Chi đoàn bản Mường Phú', 'Chi đoàn bản Na Sành', 'Chi đoàn bản Pục']);
    expect(branches.find((b) => b.id === 'b-1')).toMatchObject({ parentUnitId: 'xa-1', areaKind: 'village', areaName: 'Mường Phú', status: 'active' });

    expect(rowsOf(await csv(await fresh('/branches/b-1/officers')))).toEqual([expect.objectContaining({ branchId: 'b-1', memberId: 'm-0', role: 'secretary', source: 'teacher', startsOn: '2025-02-01' })]);

    const vacancies = rowsOf(await csv(await fresh('/personnel-reports/vacancies')));
    expect(vacancies.map((v) => v.branchId).sort()).toEqual(['b-2', 'b-3', 'b-9']);
    expect(vacancies.find((v) => v.branchId === 'b-2')).toMatchObject({ name: 'Chi đoàn bản Pục', everHadSecretary: 'false' });

    const events = rowsOf(await csv('/audit/events?service=organisation'));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['UnitEstablished', 'BranchEstablished']));
    expect(events.find((e) => e.type === 'UnitEstablished')).toMatchObject({ service: 'organisation', actor: 'admin', reason: 'khởi tạo' });
    expect(JSON.parse(events.find((e) => e.streamId.includes('tw') || e.type === 'UnitEstablished')!.data)).toEqual(expect.objectContaining({ unitId: 'tw' }));
  });

  it('ratings, courses (the whole list, or a page and its Next-Cursor for a limit) and training compliance answer CSV', async () => {
    await gw.syncEvaluation();
    for (const subjectId of ['b-1', 'b-2']) {
      const r = await admin.post('/ratings', { subjectType: 'branch', subjectId, year: 2025, scale: 'four-level', grade: 'good', stage: 'self-assessment', ...why() });
      expect(r.status).toBe(201);
    }
    const ratings = rowsOf(await csv(`/ratings?unitId=qp&year=2025&minPosition=${await gw.evaluationStore.headPosition()}`));
    expect(ratings.map((r) => `${r.subjectId}:${r.stage}:${r.grade}`).sort()).toEqual(['b-1:self-assessment:good', 'b-2:self-assessment:good']);

    await gw.syncTraining();
    for (let i = 0; i < 12; i++) {
      const r = await admin.post('/training-courses', { organiserUnitId: 'qp', title: `Bồi dưỡng bí thư chi đoàn, lớp ${i}`, kind: 'skills', topics: [{ title: 'Kỹ năng sinh hoạt chi đoàn' }], startsOn: '2025-04-10', endsOn: '2025-04-12', ...why() });
      expect(r.status).toBe(201);
    }
    const head = await gw.trainingStore.headPosition();
    const courses = rowsOf(await csv(`/training-courses?organiserUnitId=qp&year=2025&minPosition=${head}`));
    expect(courses.map((c) => c.title).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `Bồi dưỡng bí thư chi đoàn, lớp ${i}`).sort());
    const page = await csv(`/training-courses?organiserUnitId=qp&year=2025&limit=5&minPosition=${head}`);
    expect(rowsOf(page)).toHaveLength(5);
    expect(page.headers['next-cursor']).toEqual(expect.any(String));

    const compliance = rowsOf(await csv('/training-compliance?unitId=qp&year=2025'));
    expect(compliance).toEqual([expect.objectContaining({ branchId: 'b-1', memberId: 'm-0' })]);
  });

  it("one entity's history, one subject's ratings and a branch's mentors answer CSV too", async () => {
    const history = rowsOf(await csv('/audit/entities/branch/b-1/history'));
    expect(Object.keys(history[0])).toEqual(['service', 'position', 'recordedAt', 'type', 'streamId', 'revision', 'actor', 'onBehalfOf', 'reason', 'decision', 'effectiveDate', 'correlationId', 'causationId', 'eventId', 'data']);
    expect(history.map((h) => h.type)).toEqual(expect.arrayContaining(['BranchEstablished', 'OfficerAppointed']));
    expect(history.find((h) => h.type === 'BranchEstablished')).toMatchObject({ service: 'organisation', actor: 'admin', reason: 'khởi tạo' });

    const memberHistory = rowsOf(await csv('/members/m-0/history'));
    expect(memberHistory.map((h) => h.type)).toEqual(['MemberAdmitted']);
    expect(rowsOf(await csv(await fresh('/members/m-0/career')))).toEqual([expect.objectContaining({ branchId: 'b-1', role: 'secretary', source: 'teacher', startsOn: '2025-02-01', endsOn: '' })]);
    // a branch or unit the register never named is 404, not an empty list
    expect([(await csv('/members?branchId=nowhere')).status, (await csv('/branches?parentUnitId=nowhere')).status]).toEqual([404, 404]);

    await gw.syncEvaluation();
    const rated = await admin.post('/ratings', { subjectType: 'member', subjectId: 'm-1', year: 2025, scale: 'four-level', grade: 'excellent', stage: 'self-assessment', ...why() });
    expect(rated.status).toBe(201);
    const ratings = rowsOf(await csv(`/ratings/member/m-1?minPosition=${await gw.evaluationStore.headPosition()}`));
    expect(ratings).toEqual([expect.objectContaining({ subjectType: 'member', subjectId: 'm-1', year: '2025', stage: 'self-assessment', grade: 'excellent' })]);

    await gw.syncTraining();
    const assigned = await admin.post('/mentor-assignments', { branchId: 'b-1', mentorMemberId: 'm-2', startsOn: '2025-01-01', ...why() });
    expect(assigned.status).toBe(201);
    const mentors = rowsOf(await csv(`/branches/b-1/mentors?minPosition=${await gw.trainingStore.headPosition()}`));
    expect(mentors).toEqual([{ assignmentId: assigned.body.id, mentorMemberId: 'm-2', startsOn: '2025-01-01', endsOn: '', status: 'active', cause: '' }]);
  });

  it('the reports answer text/csv too, one row per figure (section, measure, key, value), never JSON', async () => {
    const turnover = rowsOf(await csv(await fresh('/reports/units/qp/secretary-turnover?from=2025-01-01&to=2025-12-31')));
    expect(turnover).toContainEqual({ section: 'from', measure: '', key: '', value: '2025-01-01' });
    expect(turnover).toContainEqual({ section: 'departures', measure: 'byCause', key: 'away-work', value: '0' });
    expect(turnover).toContainEqual({ section: 'longestServing', measure: 'items', key: '0.memberId', value: 'm-0' });
    const positions = `organisation:${await gw.store.headPosition()},personnel:${await gw.personnelStore.headPosition()}`;
    const summary = rowsOf(await csv(`/reports/units/qp/summary?year=2025&minPosition=${positions}`));
    expect(summary).toContainEqual({ section: 'unitId', measure: '', key: '', value: 'qp' });
    expect(summary).toContainEqual({ section: 'secretaries', measure: 'bySource', key: 'teacher', value: '1' });
    expect(summary.map((r) => r.section)).toEqual(expect.arrayContaining(['branches', 'members', 'training', 'party', 'commendations', 'positions']));
  });

  it('a list longer than a page streams whole, page after page; with a limit, one page and its Next-Cursor', async () => {
    const many = Array.from({ length: 1234 }, (_, n) => applicant(50_000 + n, 'b-3'));
    const { payload, contentType } = multipartBody(csvOf(many), 'many.csv', { reason: 'kết nạp' });
    const started = await gw.inject({ method: 'POST', url: `/${API_PREFIX}/member-imports?unitId=tw`, headers: { ...adminHeaders, 'content-type': contentType }, payload });
    expect(started.status).toBe(202);
    for (;;) {
      const p = await gw.inject({ method: 'GET', url: `/${API_PREFIX}/member-imports/${encodeURIComponent(started.body.id)}`, headers: adminHeaders });
      if (p.body.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const whole = rowsOf(await csv(await fresh('/members?branchId=b-3')));
    expect(whole).toHaveLength(1234);
    expect(new Set(whole.map((r) => r.id)).size).toBe(1234);
    expect(whole.map((r) => r.fullName).sort()).toEqual(many.map((m) => m.fullName).sort());

    const first = await csv(await fresh('/members?branchId=b-3&limit=100'));
    expect(rowsOf(first)).toHaveLength(100);
    const rest = rowsOf(await csv(await fresh(`/members?branchId=b-3&cursor=${first.headers['next-cursor']}`)));
    expect(rest).toHaveLength(1134);
    expect([...rowsOf(first), ...rest].map((r) => r.id)).toEqual(whole.map((r) => r.id));
  });
  it('weighs Accept as HTTP does: JSON preferred or CSV refused answers JSON; CSV preferred, or asked with its charset, answers CSV', async () => {
    const asked = (accept: string) => gw.inject({ method: 'GET', url: `/${API_PREFIX}/members?branchId=b-1`, headers: { ...adminHeaders, accept } });
    for (const accept of ['application/json, text/csv;q=0.1', 'text/csv;q=0', '*/*']) expect([accept, String((await asked(accept)).headers['content-type'])]).toEqual([accept, expect.stringContaining('application/json')]);
    for (const accept of ['text/csv; charset=utf-8', 'application/json;q=0.5, text/csv']) expect([accept, String((await asked(accept)).headers['content-type'])]).toEqual([accept, 'text/csv; charset=utf-8']);
    // A made-up cursor is 400 as CSV too, not a 200 whose body stops after its header (a probe found it so on every streamed list).
    for (const list of ['/members?branchId=b-1', '/commendations?unitId=xa-1', '/support-visits?unitId=xa-1', '/competitions', '/training-courses']) {
      const madeUp = await csv(`${list}${list.includes('?') ? '&' : '?'}cursor=${Buffer.from('no such cursor').toString('base64url')}`);
      expect([list, madeUp.status]).toEqual([list, 400]);
    }
    const summary = await gw.inject({ method: 'GET', url: `/${API_PREFIX}/reports/units/xa-1/summary?year=2025`, headers: { ...adminHeaders, accept: 'application/json, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;q=0.1' } });
    expect(String(summary.headers['content-type'])).toContain('application/json');
  });
});
