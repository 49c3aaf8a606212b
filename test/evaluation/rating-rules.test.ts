import { seedTree } from '../gateway/gateway-app';
import { EvaluationApp, startEvaluation } from './evaluation-app';

jest.setTimeout(60_000);

/** The rules of ratings over HTTP through the embedded gateway, each refusal problem+json with nothing appended. */
describe('ratings through the gateway (embedded): scales, periods, stages, who may rate, subjects', () => {
  let app: EvaluationApp;
  const rate = (over: Record<string, unknown> = {}) => ({ subjectType: 'branch', subjectId: 'b-1', year: 2025, scale: 'four-level', grade: 'good', stage: 'self-assessment', reason: 'Tổng kết năm', ...over });
  const as = async (sub: string, claims: Record<string, unknown>) => app.gw.api(await app.gw.bearer({ sub, ...claims } as never));
  /** A refusal: its status, rule and problem+json, and no log moved. */
  const refused = async (send: () => Promise<{ status: number; body: { rule?: string; errors?: Array<{ field: string; rule: string }> }; headers: Record<string, unknown> }>) => {
    const before = await app.heads();
    const r = await send();
    expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(await app.heads()).toBe(before);
    return { status: r.status, rule: r.body.rule, errors: r.body.errors?.map((e) => `${e.field}:${e.rule}`) };
  };

  beforeAll(async () => {
    app = await startEvaluation();
    await seedTree(app.admin);
    await app.sync();
  });
  afterAll(() => app?.gw.close());

  it('scales: a four-level grade for 2020 and a classic grade for 2024 are both refused with the rule', async () => {
    expect(await refused(() => app.admin.post('/ratings', rate({ year: 2020, grade: 'excellent' })))).toMatchObject({ status: 422, rule: 'scale-not-in-use' });
    expect(await refused(() => app.admin.post('/ratings', rate({ year: 2024, scale: 'branch-classic', grade: 'strong' })))).toMatchObject({ status: 422, rule: 'scale-not-in-use' });
  });

  it('a grade outside its scale is 400, naming the field and the rule', async () => {
    expect(await refused(() => app.admin.post('/ratings', rate({ grade: 'strong' })))).toEqual({ status: 400, rule: undefined, errors: ['grade:grade-in-scale'] });
    expect(await refused(() => app.admin.post('/ratings', rate({ grade: 'superb', year: '2025', stage: 'final' })))).toMatchObject({ status: 400 });
  });

  it('a subject that did not exist during the period is 422 (b-1 was established in 2025; an unknown branch never was)', async () => {
    expect(await refused(() => app.admin.post('/ratings', rate({ year: 2022, scale: 'branch-classic', grade: 'good' })))).toMatchObject({ status: 422, rule: 'subject-did-not-exist' });
    expect(await refused(() => app.admin.post('/ratings', rate({ subjectId: 'b-nowhere' })))).toMatchObject({ status: 422, rule: 'subject-did-not-exist' });
  });

  it('a branch closed before the year began is not rated (422 subject-did-not-exist); for the year it closed in, it is', async () => {
    const since = { reason: 'khởi tạo', effectiveDate: '2015-01-01' };
    expect((await app.admin.post('/branches', { id: 'b-closed', parentUnitId: 'xa-1', name: 'Chi đoàn bản Hủa Na', area: { kind: 'village', name: 'Hủa Na' }, ...since })).status).toBe(201);
    expect((await app.admin.post('/branches/b-closed/dissolution', { reason: 'giải thể', effectiveDate: '2019-06-30' })).status).toBe(201);
    await app.sync();
    const classic = { subjectId: 'b-closed', scale: 'branch-classic', grade: 'good' };
    expect(await refused(() => app.admin.post('/ratings', rate({ ...classic, year: 2020 })))).toMatchObject({ status: 422, rule: 'subject-did-not-exist' });
    expect((await app.admin.post('/ratings', rate({ ...classic, year: 2019 }))).status).toBe(201);
  });

  it('periods: a residential branch, and its member, by calendar year only (422 period-not-for-branch); a branch without an area, and its member, by school year', async () => {
    const since = { reason: 'khởi tạo', effectiveDate: '2015-01-01' };
    expect((await app.admin.post('/branches', { id: 'b-school', parentUnitId: 'xa-1', name: 'Chi đoàn lớp 12A1 trường THPT Quế Phong', ...since })).status).toBe(201);
    await app.sync();
    const admit = (id: string, branchId: string) =>
      app.admin.post('/members', { id, branchId, fullName: `Lương Văn ${id}`, dateOfBirth: '2007-05-04', gender: 'male', admittedOn: '2025-01-15', consent: { givenOn: '2025-01-10', purposes: ['membership-register'] }, reason: 'kết nạp', effectiveDate: '2025-01-15' });
    expect([(await admit('hs-1', 'b-school')).status, (await admit('tn-1', 'b-1')).status]).toEqual([201, 201]);
    await app.sync();
    const schoolYear = { year: 2025, period: 'school' };
    expect(await refused(() => app.admin.post('/ratings', rate(schoolYear)))).toMatchObject({ status: 422, rule: 'period-not-for-branch' });
    expect(await refused(() => app.admin.post('/ratings', rate({ ...schoolYear, subjectType: 'member', subjectId: 'tn-1' })))).toMatchObject({ status: 422, rule: 'period-not-for-branch' });
    const school = await app.admin.post('/ratings', rate({ ...schoolYear, subjectId: 'b-school' }));
    const pupil = await app.admin.post('/ratings', rate({ ...schoolYear, subjectType: 'member', subjectId: 'hs-1' }));
    expect([school.status, school.body.id, pupil.status, pupil.body.id]).toEqual([201, 'branch.2025-2026.b-school', 201, 'member.2025-2026.hs-1']);
  });

  it("a branch's secretary assesses their branch but cannot decide its rating (403); the commune decides; a second decision is 409", async () => {
    const secretary = await as('bt-1', { roles: ['branch-secretary'], scopeBranchId: 'b-1' });
    const commune = await as('xa-1-officer', { roles: ['unit-officer'], scopeUnitId: 'xa-1' });
    const otherCommune = await as('xa-2-officer', { roles: ['unit-officer'], scopeUnitId: 'xa-2' });
    expect((await secretary.post('/ratings', rate())).status).toBe(201);
    expect(await refused(() => secretary.post('/ratings', rate({ stage: 'decision' })))).toMatchObject({ status: 403 });
    expect(await refused(() => secretary.post('/ratings', rate({ subjectId: 'b-2' })))).toMatchObject({ status: 403 });
    expect(await refused(() => otherCommune.post('/ratings', rate({ stage: 'decision' })))).toMatchObject({ status: 403 });
    expect((await commune.post('/ratings', rate({ stage: 'decision', grade: 'excellent' }))).status).toBe(201);
    expect(await refused(() => commune.post('/ratings', rate({ stage: 'decision', grade: 'good' })))).toMatchObject({ status: 409, rule: 'already-decided' });
  });

  it('no decision before the self-assessment (422 self-assessment-first)', async () => {
    expect(await refused(() => app.admin.post('/ratings', rate({ subjectId: 'b-2', stage: 'decision' })))).toMatchObject({ status: 422, rule: 'self-assessment-first' });
  });

  it('Idempotency-Key: a retried self-assessment answers the first answer and appends nothing', async () => {
    const first = await app.admin.post('/ratings', rate({ subjectId: 'b-3' }), { 'idempotency-key': 'tu-danh-gia-b3' });
    const before = await app.heads();
    const again = await app.admin.post('/ratings', rate({ subjectId: 'b-3' }), { 'idempotency-key': 'tu-danh-gia-b3' });
    expect(first.status).toBe(201);
    expect({ id: again.body.id, position: again.body.position }).toEqual({ id: first.body.id, position: first.body.position });
    expect(await app.heads()).toBe(before);
  });

  it("a rating change names the rating's ETag in If-Match: a stale one is 409", async () => {
    const read = await app.admin.get('/ratings/branch/b-1?year=2025');
    const etag = String(read.headers.etag);
    const district = await as('huyen-1', { roles: ['unit-officer'], scopeUnitId: 'qp' });
    expect(await refused(() => district.post('/rating-changes', { ratingId: 'branch.2025.b-1', grade: 'good', reason: 'Xem lại' }, { 'if-match': '"0"' }))).toMatchObject({ status: 409 });
    const proposal = await district.post('/rating-changes', { ratingId: 'branch.2025.b-1', grade: 'good', reason: 'Xem lại' }, { 'if-match': etag, 'idempotency-key': 'de-nghi-b1' });
    expect(proposal.status).toBe(201);
    expect(proposal.body.id).toBe('c1.branch.2025.b-1');
    // a retry answers the change the first proposed (it answered the rating's id: found by a black-box probe)
    const before = await app.heads();
    const retried = await district.post('/rating-changes', { ratingId: 'branch.2025.b-1', grade: 'good', reason: 'Xem lại' }, { 'if-match': etag, 'idempotency-key': 'de-nghi-b1' });
    expect([retried.status, retried.body.id, retried.body.position]).toEqual([201, 'c1.branch.2025.b-1', proposal.body.position]);
    expect(await app.heads()).toBe(before);
  });

  it("a branch's secretary neither proposes nor approves changes of its rating (403); an unknown change is 404", async () => {
    const secretary = await as('bt-1', { roles: ['branch-secretary'], scopeBranchId: 'b-1' });
    expect(await refused(() => secretary.post('/rating-changes', { ratingId: 'branch.2025.b-1', grade: 'completed', reason: 'x' }))).toMatchObject({ status: 403 });
    expect(await refused(() => secretary.post('/rating-changes/c1.branch.2025.b-1/approval', { reason: 'x' }))).toMatchObject({ status: 403 });
    expect(await refused(() => app.admin.post('/rating-changes/c9.branch.2025.b-1/approval', { reason: 'x' }))).toMatchObject({ status: 404 });
  });

  it('reads: a list outside the caller\'s scope is 403; a bad asOf or cursor is 400', async () => {
    const commune = await as('xa-1-officer', { roles: ['unit-officer'], scopeUnitId: 'xa-1' });
    expect((await commune.get('/ratings?unitId=xa-1')).status).toBe(200);
    // A unit the register has never named is 404, as on /members and /training-compliance.
    expect((await app.admin.get('/ratings?unitId=nowhere')).status).toBe(404);
    expect((await commune.get('/ratings?unitId=xa-9')).status).toBe(403);
    expect((await commune.get('/ratings')).status).toBe(403);
    expect((await commune.get('/ratings/branch/b-9')).status).toBe(403);
    // A subject the register never named is 404 (was an empty 200; found by a black-box probe); a known one without ratings is 200.
    expect([(await app.admin.get('/ratings/branch/nowhere')).status, (await app.admin.get('/ratings/member/nobody')).status, (await app.admin.get('/ratings/branch/b-9')).status]).toEqual([404, 404, 200]);
    expect((await app.admin.get('/ratings?asOf=yesterday')).status).toBe(400);
    expect((await app.admin.get('/ratings?cursor=%7B%7D')).status).toBe(400);
    expect((await app.admin.get('/ratings/team/b-1')).status).toBe(400);
  });

  it("a branch moved to another commune: its ratings and commendations are in the new commune's lists too, and stay in the old one's (they stayed only where they were recorded; found by a black-box probe)", async () => {
    const since = { reason: 'khởi tạo', effectiveDate: '2015-01-01' };
    expect((await app.admin.post('/branches', { id: 'b-moving', parentUnitId: 'xa-2', name: 'Chi đoàn bản Na Hu', area: { kind: 'village', name: 'Na Hu' }, ...since })).status).toBe(201);
    await app.sync();
    const rated = await app.admin.post('/ratings', rate({ subjectId: 'b-moving', grade: 'excellent' }));
    expect([rated.status, rated.body.rule]).toEqual([201, undefined]);
    const commended = await app.admin.post('/commendations', { subjectType: 'branch', subjectId: 'b-moving', year: 2025, occasion: 'year-end', title: 'Chi đoàn vững mạnh tiêu biểu', issuedByUnitId: 'xa-2', reason: 'Tổng kết năm' });
    expect([commended.status, commended.body.rule]).toEqual([201, undefined]);
    expect((await app.admin.post('/branches/b-moving/moves', { toUnitId: 'xa-1', reason: 'điều chỉnh địa giới', effectiveDate: '2025-01-01' })).status).toBe(201);
    await app.sync();
    const listed = async (path: string) => ((await app.admin.get(`${path}&minPosition=${commended.body.position}`)).body.items as Array<{ subjectId: string }>).filter((r) => r.subjectId === 'b-moving').length;
    expect([await listed('/ratings?unitId=xa-1&year=2025'), await listed('/ratings?unitId=xa-2&year=2025')]).toEqual([1, 1]);
    expect([await listed('/commendations?unitId=xa-1&year=2025'), await listed('/commendations?unitId=xa-2&year=2025')]).toEqual([1, 1]);
    const commune = await as('xa-1-officer', { roles: ['unit-officer'], scopeUnitId: 'xa-1' });
    expect(((await commune.get('/ratings?unitId=xa-1&year=2025')).body.items as Array<{ subjectId: string }>).map((r) => r.subjectId)).toContain('b-moving');
    // Entered late, a commendation is issued by a unit above the subject on its day (it was checked against today's tree; found by a black-box probe).
    const late = (issuedByUnitId: string, id: string) => app.admin.post('/commendations', { id, subjectType: 'branch', subjectId: 'b-moving', year: 2024, occasion: 'year-end', title: 'Chi đoàn xuất sắc 2024', issuedByUnitId, reason: 'Tổng kết năm 2024', effectiveDate: '2024-12-20' });
    expect((await late('xa-2', 'cm-late-old')).status).toBe(201);
    expect(await refused(() => late('xa-1', 'cm-late-new'))).toMatchObject({ status: 422, rule: 'issuer-not-above' });
    // Its year 2024, spent under xa-2, is xa-2's officers' to rate and commend, not xa-1's (the reverse, a re-probe found).
    const oldCommune = await as('xa-2-officer', { roles: ['unit-officer'], scopeUnitId: 'xa-2' });
    expect(await refused(() => commune.post('/ratings', rate({ subjectId: 'b-moving', year: 2024, grade: 'good' })))).toMatchObject({ status: 403 });
    const oldRated = await oldCommune.post('/ratings', rate({ subjectId: 'b-moving', year: 2024, grade: 'good' }));
    expect(oldRated.status === 201 ? 201 : oldRated.body).toBe(201);
    expect((await oldCommune.post('/commendations', { subjectType: 'branch', subjectId: 'b-moving', year: 2024, occasion: 'founding-day', title: 'Chi đoàn tiêu biểu 2024', issuedByUnitId: 'xa-2', reason: 'Tổng kết năm 2024', effectiveDate: '2024-12-21' })).status).toBe(201);
  });

  it("a member transferred to another commune: their rating and commendation of a year spent in the old one are the old one's to decide, the new one's from the year of the move (found by a black-box probe: the reverse)", async () => {
    const admitted = await app.admin.post('/members', { id: 'm-moves', branchId: 'b-1', fullName: 'Hoàng Thị Thắm', dateOfBirth: '2001-01-01', gender: 'female', admittedOn: '2023-03-26', reason: 'kết nạp', effectiveDate: '2023-03-26' });
    expect(admitted.status === 201 ? 201 : admitted.raw).toBe(201);
    const moved = await app.admin.post('/members/m-moves/transfers', { toBranchId: 'b-3', reason: 'chuyển sinh hoạt', effectiveDate: '2026-06-01' });
    expect(moved.status === 201 ? 201 : moved.raw).toBe(201);
    await app.sync();
    const commune = await as('xa-1-officer', { roles: ['unit-officer'], scopeUnitId: 'xa-1' });
    const newCommune = await as('xa-2-officer', { roles: ['unit-officer'], scopeUnitId: 'xa-2' });
    const member = (over: Record<string, unknown>) => rate({ subjectType: 'member', subjectId: 'm-moves', ...over });
    expect(await refused(() => newCommune.post('/ratings', member({ year: 2025 })))).toMatchObject({ status: 403 });
    expect((await commune.post('/ratings', member({ year: 2025 }))).status).toBe(201);
    expect((await commune.post('/ratings', member({ year: 2025, stage: 'decision', grade: 'excellent' }))).status).toBe(201);
    expect((await commune.get('/ratings/member/m-moves?year=2025')).status).toBe(200);
    expect(await refused(() => newCommune.post('/rating-changes', { ratingId: 'member.2025.m-moves', grade: 'good', reason: 'xem lại' }))).toMatchObject({ status: 403 });
    const commend = (by: typeof commune, issuedByUnitId: string) => by.post('/commendations', { subjectType: 'member', subjectId: 'm-moves', year: 2025, occasion: 'year-end', title: 'Đoàn viên xuất sắc 2025', issuedByUnitId, reason: 'Tổng kết năm 2025', effectiveDate: '2025-12-20' });
    expect(await refused(() => commend(newCommune, 'xa-2'))).toMatchObject({ status: 403 });
    expect((await commend(commune, 'xa-1')).status).toBe(201);
    // 2026: the year of the move, rated on today's day, is the new commune's.
    expect(await refused(() => commune.post('/ratings', member({ year: 2026 })))).toMatchObject({ status: 403 });
    expect((await newCommune.post('/ratings', member({ year: 2026 }))).status).toBe(201);
  });

  it("an officer who moved to another commune after their post: the rating of the post is its branch's commune's to decide, not the one they moved to (found by a black-box probe: the reverse)", async () => {
    const admitted = await app.admin.post('/members', { id: 'm-officer', branchId: 'b-1', fullName: 'Vi Văn Thành', dateOfBirth: '1999-02-02', gender: 'male', admittedOn: '2023-03-26', reason: 'kết nạp', effectiveDate: '2023-03-26' });
    expect(admitted.status === 201 ? 201 : admitted.raw).toBe(201);
    const appointed = await app.admin.post('/branches/b-1/officer-appointments', { memberId: 'm-officer', role: 'deputy-secretary', method: 'appointed', source: 'teacher', startsOn: '2025-02-01', reason: 'chỉ định', effectiveDate: '2025-02-01' });
    expect(appointed.status === 201 ? 201 : appointed.raw).toBe(201);
    const departed = await app.admin.post('/branches/b-1/officer-departures', { memberId: 'm-officer', endsOn: '2025-09-01', cause: 'resigned', reason: 'thôi giữ chức', effectiveDate: '2025-09-01' });
    expect(departed.status === 201 ? 201 : departed.raw).toBe(201);
    const moved = await app.admin.post('/members/m-officer/transfers', { toBranchId: 'b-3', reason: 'chuyển sinh hoạt', effectiveDate: '2025-09-02' });
    expect(moved.status === 201 ? 201 : moved.raw).toBe(201);
    await app.sync();
    await app.gw.api(await app.gw.bearer({ sub: 'admin', roles: ['central-admin'] })).get(`/members/m-officer/career?minPosition=${moved.body.position}`);
    const commune = await as('xa-1-officer', { roles: ['unit-officer'], scopeUnitId: 'xa-1' });
    const newCommune = await as('xa-2-officer', { roles: ['unit-officer'], scopeUnitId: 'xa-2' });
    const officer = (over: Record<string, unknown>) => rate({ subjectType: 'officer', subjectId: 'm-officer', ...over });
    expect(await refused(() => newCommune.post('/ratings', officer({})))).toMatchObject({ status: 403 });
    expect((await commune.post('/ratings', officer({}))).status).toBe(201);
    expect(await refused(() => newCommune.post('/ratings', officer({ stage: 'decision', grade: 'excellent' })))).toMatchObject({ status: 403 });
    expect((await commune.post('/ratings', officer({ stage: 'decision', grade: 'excellent' }))).status).toBe(201);
    expect((await commune.get('/ratings/officer/m-officer?year=2025')).status).toBe(200);
    // The distributed gateway asks personnel's placement so: the post's branch in the period, else the member's then.
    const placement = async (query: string) => { const r = await app.admin.get(`/members/m-officer/placement?${query}`); return r.status === 200 ? r.body.branchId : r.status; };
    expect(await placement('asOf=2025-12-31&postFrom=2025-01-01&postTo=2025-12-31')).toBe('b-1');
    expect(await placement('asOf=2025-12-31')).toBe('b-3');
    expect(await placement('asOf=2024-12-31&postFrom=2024-01-01&postTo=2024-12-31')).toBe('b-1');
    // One day of the period alone is not a period: the member's own placement answers; a malformed day is 400.
    expect(await placement('asOf=2025-12-31&postFrom=2025-01-01')).toBe('b-3');
    expect(await placement('postFrom=2025-02-30&postTo=2025-12-31')).toBe(400);
    // Their member rating of 2025 is placed by their branch on the year's end: the commune they moved to.
    expect((await newCommune.post('/ratings', rate({ subjectType: 'member', subjectId: 'm-officer' }))).status).toBe(201);
  });
});
