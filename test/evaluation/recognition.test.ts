import { Gateway, refusedUnchanged, startSeeded, why } from '../gateway/gateway-app';
import { trainingToEvaluation } from './evaluation-app';
import { shadowDiffs } from './shadow-rebuild';

jest.setTimeout(60_000);

/** Commendations and support visits over HTTP through the embedded gateway. */
describe('commendations and support visits (embedded, through the gateway)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  let awardsToEvaluation: () => Promise<void>;
  /** Training's competition of 2025: cm-1 won the first prize, cm-2 a consolation prize. */
  let contest: string;
  const commend = (over: Record<string, unknown> = {}) => ({ subjectType: 'officer', subjectId: 'cm-1', year: 2025, occasion: 'competition', title: 'Bí thư chi đoàn giỏi', issuedByUnitId: 'qp', awardRef: `${contest}:cm-1`, ...why('Hội thi Bí thư chi đoàn giỏi', '2025-03-26'), ...over });
  /** A competition of training's, with these members entered and awarded. */
  const competition = async (title: string, awards: Array<{ memberId: string; award: string }>) => {
    const c = await admin.post('/competitions', { organiserUnitId: 'qp', title, heldOn: '2025-03-20', ...why('tổ chức hội thi') });
    expect(c.status).toBe(201);
    expect((await admin.post(`/competitions/${c.body.id}/entries`, { memberIds: awards.map((a) => a.memberId), ...why('dự thi') })).status).toBe(201);
    expect((await admin.post(`/competitions/${c.body.id}/results`, { awards, ...why('công bố kết quả', '2025-03-20') })).status).toBe(201);
    return c.body.id as string;
  };
  const visit = (over: Record<string, unknown> = {}) => ({ memberId: 'cm-1', visitedOn: '2025-03-01', byUnitId: 'xa-1', gift: 'Quà và 500.000 đồng', reason: 'Gia đình gặp khó khăn sau lũ', ...over });

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    const admitted = await admin.post('/members', {
      id: 'cm-1', branchId: 'b-1', fullName: 'Lò Thị Mai', dateOfBirth: '1998-04-02', gender: 'female', admittedOn: '2015-03-26', consent: { givenOn: '2015-03-20', purposes: ['membership-register'] }, ...why('kết nạp', '2015-03-26'),
    });
    expect(admitted.status).toBe(201);
    const appointed = await admin.post('/branches/b-1/officer-appointments', { memberId: 'cm-1', role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-02-01', ...why('bổ nhiệm', '2025-02-01') });
    expect(appointed.status).toBe(201);
    const second = await admin.post('/members', {
      id: 'cm-2', branchId: 'b-1', fullName: 'Vi Văn Hùng', dateOfBirth: '1999-06-12', gender: 'male', admittedOn: '2016-03-26', consent: { givenOn: '2016-03-20', purposes: ['membership-register'] }, ...why('kết nạp', '2016-03-26'),
    });
    expect(second.status).toBe(201);
    await gw.syncTraining();
    contest = await competition('Hội thi Bí thư chi đoàn giỏi 2025', [{ memberId: 'cm-1', award: 'Giải nhất' }, { memberId: 'cm-2', award: 'Giải khuyến khích' }]);
    awardsToEvaluation = trainingToEvaluation(gw);
    await gw.syncEvaluation();
    await awardsToEvaluation();
  });
  afterAll(() => gw?.close());

  it("a unit above the officer commends them, citing training's award; the list by unit shows it with the award's text, its actor and decision", async () => {
    const officer = gw.api(await gw.bearer({ sub: 'huyen-qp', roles: ['unit-officer'], scopeUnitId: 'qp' }));
    const r = await officer.post('/commendations', { ...commend(), decisionRef: { number: '88/QĐ-HĐQP', date: '2025-03-26' } });
    expect(r.status).toBe(201);
    const list = await officer.get(`/commendations?unitId=xa-1&year=2025&minPosition=${r.body.position}`);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: r.body.id, subjectId: 'cm-1', occasion: 'competition', awardRef: `${contest}:cm-1`, award: 'Giải nhất', issuedByUnitId: 'qp', actor: 'huyen-qp', decision: { number: '88/QĐ-HĐQP', date: '2025-03-26' }, effectiveDate: '2025-03-26' })]);
    const csv = await officer.get('/commendations?unitId=xa-1', { accept: 'text/csv' });
    expect(csv.raw.startsWith('\ufeffid,subjectType')).toBe(true);
    expect(csv.raw).toContain(`${contest}:cm-1,Giải nhất,`);
    // A cursor is one the API gave: a made-up one is refused, for commendations as for support visits.
    for (const list of ['/commendations', '/support-visits']) expect((await officer.get(`${list}?unitId=xa-1&cursor=${Buffer.from('foo').toString('base64url')}`)).status).toBe(400);
    // A member the register never named is 404 to a caller of the whole register, as every list filter by id is (it answered an empty list).
    expect((await admin.get('/support-visits?memberId=zz-nobody')).status).toBe(404);
    expect((await admin.get('/support-visits?memberId=cm-1')).status).toBe(200);
    expect((await admin.get('/commendations?subjectType=member&subjectId=zz-nobody')).status).toBe(404);
    // By one member, placed as a read of that member is: the district's officer reads its member's, another commune's officer does not.
    expect((await officer.get('/support-visits?memberId=cm-1')).status).toBe(200);
    expect((await officer.get('/commendations?subjectType=officer&subjectId=cm-1')).status).toBe(200);
    const commune9 = gw.api(await gw.bearer({ sub: 'xa9-reader', roles: ['unit-officer'], scopeUnitId: 'xa-9' }));
    expect((await commune9.get('/support-visits?memberId=cm-1')).status).toBe(403);
    expect((await commune9.get('/commendations?subjectType=officer&subjectId=cm-1')).status).toBe(403);
  });

  it("refuses citing another member's award, an award on another occasion, and an award evaluation has not heard of; nothing appended", async () => {
    expect((await refusedUnchanged(gw, 422, () => admin.post('/commendations', commend({ subjectType: 'member', subjectId: 'cm-2', awardRef: `${contest}:cm-1` })))).body.rule).toBe('award-of-another-member');
    expect((await refusedUnchanged(gw, 422, () => admin.post('/commendations', commend({ subjectType: 'branch', subjectId: 'b-1' })))).body.rule).toBe('award-of-another-member');
    expect((await refusedUnchanged(gw, 422, () => admin.post('/commendations', commend({ occasion: 'year-end' })))).body.rule).toBe('award-needs-competition');
    expect((await refusedUnchanged(gw, 422, () => admin.post('/commendations', commend({ awardRef: 'award-2025-1' })))).body.rule).toBe('unknown-award');
  });

  it("an award training published that evaluation has not heard yet: 422 unknown-award, then 201 once training's events reach it", async () => {
    const later = await competition('Hội thi cán bộ Đoàn cơ sở giỏi 2025', [{ memberId: 'cm-2', award: 'Giải ba' }]);
    const cite = commend({ subjectType: 'member', subjectId: 'cm-2', awardRef: `${later}:cm-2`, title: 'Cán bộ Đoàn giỏi' });
    expect((await refusedUnchanged(gw, 422, () => admin.post('/commendations', cite))).body).toMatchObject({ rule: 'unknown-award' });
    await awardsToEvaluation();
    const r = await admin.post('/commendations', cite);
    expect(r.status).toBe(201);
    const list = await admin.get(`/commendations?subjectId=cm-2&minPosition=${r.body.position}`);
    expect(list.body.items).toEqual([expect.objectContaining({ subjectType: 'member', subjectId: 'cm-2', awardRef: `${later}:cm-2`, award: 'Giải ba' })]);
  });

  it('refuses a subject that did not exist that year, an issuer the subject is not under, an unknown occasion and an empty title (400); out of scope 403; nothing appended', async () => {
    expect((await refusedUnchanged(gw, 422, () => admin.post('/commendations', commend({ year: 2020 })))).body.rule).toBe('subject-did-not-exist');
    const nextYear = Number(new Date().toISOString().slice(0, 4)) + 1;
    expect((await refusedUnchanged(gw, 422, () => admin.post('/commendations', commend({ year: nextYear, awardRef: undefined, occasion: 'founding-day' })))).body.rule).toBe('year-not-come');
    expect((await refusedUnchanged(gw, 422, () => admin.post('/commendations', commend({ issuedByUnitId: 'xa-9' })))).body.rule).toBe('issuer-not-above');
    expect([...new Set((await refusedUnchanged(gw, 400, () => admin.post('/commendations', commend({ occasion: 'birthday', title: '' })))).body.errors.map((e: { field: string }) => e.field))].sort()).toEqual(['occasion', 'title']);
    const commune9 = gw.api(await gw.bearer({ sub: 'xa9', roles: ['unit-officer'], scopeUnitId: 'xa-9' }));
    await refusedUnchanged(gw, 403, () => commune9.post('/commendations', commend({ issuedByUnitId: 'xa-9' })));
    expect((await commune9.get('/commendations?unitId=xa-1')).status).toBe(403);
  });

  it('records a support visit to a secretary in hardship: who visited, when, what was given', async () => {
    const commune = gw.api(await gw.bearer({ sub: 'xa1-officer', roles: ['unit-officer'], scopeUnitId: 'xa-1' }));
    const r = await commune.post('/support-visits', visit());
    expect(r.status).toBe(201);
    const list = await commune.get(`/support-visits?unitId=xa-1&minPosition=${r.body.position}`);
    expect(list.body.items).toEqual([expect.objectContaining({ id: r.body.id, memberId: 'cm-1', visitedOn: '2025-03-01', byUnitId: 'xa-1', gift: 'Quà và 500.000 đồng', actor: 'xa1-officer', branchId: 'b-1', year: 2025 })]);
  });

  it('refuses a visit to a member holding no post that day (422 not-an-officer), by a unit not above (422), out of scope (403)', async () => {
    expect((await refusedUnchanged(gw, 422, () => admin.post('/support-visits', visit({ visitedOn: '2025-01-15' })))).body.rule).toBe('not-an-officer');
    expect((await refusedUnchanged(gw, 422, () => admin.post('/support-visits', visit({ byUnitId: 'xa-2' })))).body.rule).toBe('visitor-not-above');
    const unknown = await refusedUnchanged(gw, 422, () => admin.post('/support-visits', visit({ byUnitId: 'khong-ton-tai-9' })));
    expect([unknown.body.rule, unknown.body.detail]).toEqual(['visitor-unknown', expect.stringContaining('byUnitId')]);
    const commune9 = gw.api(await gw.bearer({ sub: 'xa9', roles: ['unit-officer'], scopeUnitId: 'xa-9' }));
    await refusedUnchanged(gw, 403, () => commune9.post('/support-visits', visit({ byUnitId: 'xa-9' })));
  });

  it('a shadow rebuild of every evaluation projection reports 0 differences', async () => {
    const diffs = await shadowDiffs(gw.app, gw.evaluationStore);
    // Two commendations, one visit: each projection reads the events of the types it handles, and
    // no other (no upcaster of evaluation's renames a type: EventSchemas.storedTypesOf).
    expect(diffs).toEqual({ ratings: { events: 0, differences: 0 }, commendations: { events: 2, differences: 0 }, 'support-visits': { events: 1, differences: 0 } });
  });

  it('the same commendation or visit recorded twice, or an award the unit commended already, is 409; a unit never named lists 404 (found by a black-box probe)', async () => {
    expect((await refusedUnchanged(gw, 409, () => admin.post('/commendations', commend({ title: 'Giải nhất, khen lần nữa' })))).body.rule).toBe('already-issued');
    const yearEnd = commend({ occasion: 'year-end', awardRef: undefined, title: 'Bí thư chi đoàn hoàn thành xuất sắc nhiệm vụ' });
    expect((await admin.post('/commendations', yearEnd)).status).toBe(201);
    // typed again by another clerk: other spacing, case and tone placement (xuất sắc, hoàn / hoàn)
    expect((await refusedUnchanged(gw, 409, () => admin.post('/commendations', { ...yearEnd, title: '  bí thư chi đoàn  hoàn thành xuất sắc nhiệm vụ' }))).body.rule).toBe('already-issued');
    // another occasion, or another year's, is another commendation
    expect((await admin.post('/commendations', { ...yearEnd, occasion: 'founding-day' })).status).toBe(201);
    expect((await refusedUnchanged(gw, 409, () => admin.post('/support-visits', visit({ gift: 'Quà khác' })))).body.rule).toBe('already-recorded');
    expect([(await admin.get('/commendations?unitId=nowhere')).status, (await admin.get('/support-visits?unitId=nowhere')).status]).toEqual([404, 404]);
  });

  it("rates a member and an officer; after the member's erasure no read of evaluation, nor its log, holds the name", async () => {
    const rate = (subjectType: string, stage: string) => admin.post('/ratings', { subjectType, subjectId: 'cm-1', year: 2025, scale: 'four-level', grade: 'excellent', stage, reason: 'Tổng kết năm 2025' });
    for (const subjectType of ['member', 'officer']) expect([(await rate(subjectType, 'self-assessment')).status, (await rate(subjectType, 'decision')).status]).toEqual([201, 201]);
    expect((await admin.post('/members/cm-1/personal-data-erasure', { reason: 'yêu cầu xóa dữ liệu' })).status).toBe(201);
    await gw.syncEvaluation();
    const head = await gw.evaluationStore.headPosition();
    const reads = await Promise.all(['/ratings/member/cm-1', '/ratings/officer/cm-1', '/ratings?unitId=xa-1', '/commendations?unitId=xa-1', '/support-visits?unitId=xa-1'].map((path) => admin.get(`${path}${path.includes('?') ? '&' : '?'}minPosition=${head}`)));
    expect(reads.map((r) => [r.status, /Lò Thị Mai|fullName/.test(r.raw)])).toEqual(reads.map(() => [200, false]));
    expect(reads[0].body.items[0]).toMatchObject({ subjectId: 'cm-1', stage: 'decision', grade: 'excellent' });
    expect(/Lò Thị Mai|fullName/.test(JSON.stringify(await gw.evaluationStore.readAll(0, 10_000)))).toBe(false);
  });
  it('answers a list of more than a page as CSV whole, page after page, and with a limit one page and its Next-Cursor (it stopped at 50 rows)', async () => {
    const csvRows = (raw: string) => raw.replace(/^\ufeff/, '').trim().split(/\r?\n/).slice(1);
    let position = 0;
    for (let i = 0; i < 55; i++) {
      const r = await admin.post('/commendations', commend({ subjectType: 'member', subjectId: 'cm-2', occasion: 'founding-day', awardRef: undefined, title: `Giấy khen đợt ${i + 1}`, issuedByUnitId: 'xa-1' }));
      expect(r.status === 201 ? 201 : r.raw).toBe(201);
      position = r.body.position;
    }
    for (let day = 1; day <= 52; day++) {
      const r = await admin.post('/support-visits', visit({ memberId: 'cm-1', visitedOn: `2025-0${4 + Math.floor((day - 1) / 28)}-${String(((day - 1) % 28) + 1).padStart(2, '0')}` }));
      expect(r.status === 201 ? 201 : r.raw).toBe(201);
      position = Math.max(position, r.body.position);
    }
    for (const [list, atLeast] of [[`/commendations?unitId=xa-1&subjectId=cm-2&minPosition=${position}`, 55], [`/support-visits?unitId=xa-1&memberId=cm-1&minPosition=${position}`, 52]] as const) {
      const whole = csvRows((await admin.get(list, { accept: 'text/csv' })).raw);
      expect([list, whole.length >= atLeast, new Set(whole).size]).toEqual([list, true, whole.length]);
      const first = await admin.get(`${list}&limit=20`, { accept: 'text/csv' });
      expect(csvRows(first.raw)).toHaveLength(20);
      const rest = csvRows((await admin.get(`${list}&cursor=${first.headers['next-cursor']}`, { accept: 'text/csv' })).raw);
      expect([...csvRows(first.raw), ...rest]).toEqual(whole);
    }
  });

  it("takes a post as held up to the day before its endsOn, the first day without it: no visit that day, no officer's commendation for the year it falls on first (a black-box probe)", async () => {
    const departed = await admin.post('/branches/b-1/officer-departures', { memberId: 'cm-1', endsOn: '2026-01-01', cause: 'resigned', reason: 'thôi giữ chức' });
    expect(departed.status === 201 ? 201 : departed.raw).toBe(201);
    await gw.syncEvaluation();
    expect((await refusedUnchanged(gw, 422, () => admin.post('/support-visits', visit({ visitedOn: '2026-01-01' })))).body.rule).toBe('not-an-officer');
    expect((await refusedUnchanged(gw, 422, () => admin.post('/commendations', commend({ year: 2026, occasion: 'year-end', awardRef: undefined, title: 'Bí thư tiêu biểu 2026', ...why('tổng kết', '2026-12-01') })))).body.rule).toBe('subject-did-not-exist');
    const lastDay = await admin.post('/support-visits', visit({ visitedOn: '2025-12-31' }));
    expect(lastDay.status === 201 ? 201 : lastDay.raw).toBe(201);
  });
});
