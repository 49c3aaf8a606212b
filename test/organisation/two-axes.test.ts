import { setTimeout as sleep } from 'node:timers/promises';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Gateway, refusedUnchanged, startGateway, startSeeded, why } from '../gateway/gateway-app';

/**
 * Issue 20, point 5: two time axes. `asOf` (a day) says what was in force in the world, `knownAt`
 * (an instant) what the register knew by then. Hamlet Mường Phú's branch (b-1) merged into Na
 * Sành's (b-3) on 1 July 2025, but the merger was recorded late: after `before`, by `after`. Read
 * on the eve and the morrow of the merger, as known before and after it was recorded:
 *
 *                       known before (before)   known after (after)
 *   asOf 2025-06-30     active                  active   (not yet in force)
 *   asOf 2025-07-02     active (not yet known)  merged
 *
 * Only the last cell sees the merger; without knownAt a date reads as the register knows it now.
 */
describe('two time axes: in force on a day, as the register knew it at an instant (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  let before: string;
  let after: string;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    const admitted = await admin.post('/members', { id: 'm-1', branchId: 'b-1', fullName: 'Lô Thị Mai', dateOfBirth: '2001-04-02', gender: 'female', admittedOn: '2025-02-01', reason: 'kết nạp' });
    expect(admitted.status === 201 ? 201 : admitted.raw).toBe(201);
    // Recorded times are the log's own (milliseconds): leave a clear gap on either side of the merger.
    await sleep(20);
    before = new Date().toISOString();
    await sleep(20);
    const merged = await admin.post('/branch-mergers', { sourceBranchIds: ['b-1'], into: { branchId: 'b-3' }, ...why('sáp nhập bản', '2025-07-01') });
    expect(merged.status === 201 ? 201 : merged.raw).toBe(201);
    await gw.syncPersonnel();
    await sleep(20);
    after = new Date().toISOString();
  });

  afterAll(async () => {
    await gw?.close();
  });

  const q = (asOf: string | undefined, knownAt: string | undefined) => new URLSearchParams({ ...(asOf ? { asOf } : {}), ...(knownAt ? { knownAt } : {}) }).toString();
  const ok = (r: { status: number; raw: string; body: unknown }) => {
    expect(r.status === 200 ? 200 : r.raw).toBe(200);
    return r.body as Record<string, unknown>;
  };
  const branchStatus = async (asOf: string | undefined, knownAt: string | undefined) => ok(await admin.get(`/branches/b-1?${q(asOf, knownAt)}`)).status;
  const ids = (body: Record<string, unknown>, key = 'items') => (body[key] as Array<{ id: string }>).map((b) => b.id);

  it('reads the source branch of a merger recorded late under both axes: the four answers', async () => {
    const answers = [];
    for (const asOf of ['2025-06-30', '2025-07-02']) for (const knownAt of [before, after]) answers.push(`${asOf} known ${knownAt === before ? 'before' : 'after'}: ${await branchStatus(asOf, knownAt)}`);
    expect(answers).toEqual(['2025-06-30 known before: active', '2025-06-30 known after: active', '2025-07-02 known before: active', '2025-07-02 known after: merged']);
    // One axis alone: a date as known now, knownAt alone as today (in force) as known then.
    expect(await branchStatus('2025-07-02', undefined)).toBe('merged');
    expect(await branchStatus(undefined, before)).toBe('active');
    expect(await branchStatus(undefined, after)).toBe('merged');
  });

  it('reads the directory, the lineage and the unit tree the same way', async () => {
    const lineage = async (knownAt: string) => ids(ok(await admin.get(`/branches/b-3/lineage?${q('2025-07-02', knownAt)}`)), 'predecessors');
    expect([await lineage(before), await lineage(after)]).toEqual([[], ['b-1']]);
    const active = async (knownAt: string) => ids(ok(await admin.get(`/branches?parentUnitId=xa-1&status=active&${q('2025-07-02', knownAt)}`)));
    expect([await active(before), await active(after)]).toEqual([['b-1', 'b-2'], ['b-2']]);
    const branches = async (knownAt: string) => (ok(await admin.get(`/units/xa-1/tree?${q('2025-07-02', knownAt)}`)).counts as { branches: number }).branches;
    expect([await branches(before), await branches(after)]).toEqual([2, 1]);
  });

  it('reads a member of the merged branch, and the member lists, the same way', async () => {
    const branchOf = async (knownAt: string) => ok(await admin.get(`/members/m-1?${q('2025-07-02', knownAt)}`)).branchId;
    expect([await branchOf(before), await branchOf(after)]).toEqual(['b-1', 'b-3']);
    const inBranch = async (branchId: string, knownAt: string) => ids(ok(await admin.get(`/members?branchId=${branchId}&${q('2025-07-02', knownAt)}`)));
    expect([await inBranch('b-1', before), await inBranch('b-1', after), await inBranch('b-3', after)]).toEqual([['m-1'], [], ['m-1']]);
    const inUnit = async (unitId: string, knownAt: string) => ids(ok(await admin.get(`/members?unitId=${unitId}&${q('2025-07-02', knownAt)}`)));
    expect([await inUnit('xa-1', before), await inUnit('xa-2', before), await inUnit('xa-2', after)]).toEqual([['m-1'], [], ['m-1']]);
  });

  it("reads a branch's ratings as known before and after a self-assessment was recorded (knownAt alone: in force today)", async () => {
    await gw.syncEvaluation();
    const t0 = new Date().toISOString();
    await sleep(20);
    const rated = await admin.post('/ratings', { subjectType: 'branch', subjectId: 'b-3', year: 2025, scale: 'four-level', grade: 'good', stage: 'self-assessment', reason: 'Tổng kết năm' });
    expect(rated.status === 201 ? 201 : rated.raw).toBe(201);
    await sleep(20);
    const t1 = new Date().toISOString();
    // The rows come from the ratings read model (minPosition: the rating is in it), each folded from the log as known then.
    const grades = async (path: string, knownAt: string) => (ok(await admin.get(`${path}${path.includes('?') ? '&' : '?'}${q(undefined, knownAt)}&minPosition=${rated.body.position}`)).items as Array<{ grade: string }>).map((r) => r.grade);
    expect([await grades('/ratings/branch/b-3', t0), await grades('/ratings/branch/b-3', t1)]).toEqual([[], ['good']]);
    expect([await grades('/ratings?unitId=xa-2', t0), await grades('/ratings?unitId=xa-2', t1)]).toEqual([[], ['good']]);
  });

  it("reads a branch's mentors and the secretaries' training as known before and after a mentor and a secretary were recorded", async () => {
    await gw.syncTraining();
    const t0 = new Date().toISOString();
    await sleep(20);
    const mentor = await admin.post('/mentor-assignments', { branchId: 'b-3', mentorMemberId: 'm-1', startsOn: '2025-08-01', reason: 'phân công' });
    const secretary = await admin.post('/branches/b-3/officer-appointments', { memberId: 'm-1', role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-08-01', reason: 'chỉ định' });
    for (const r of [mentor, secretary]) expect(r.status === 201 ? 201 : r.raw).toBe(201);
    await gw.syncTraining();
    await sleep(20);
    const t1 = new Date().toISOString();
    const mentors = async (knownAt: string) => (ok(await admin.get(`/branches/b-3/mentors?${q('2025-09-01', knownAt)}&minPosition=${mentor.body.position}`)).items as Array<{ mentorMemberId: string }>).map((m) => m.mentorMemberId);
    expect([await mentors(t0), await mentors(t1)]).toEqual([[], ['m-1']]);
    const secretaries = async (knownAt: string) => ok(await admin.get(`/training-compliance?unitId=xa-2&year=2025&${q('2025-12-31', knownAt)}`)).secretaries;
    expect([await secretaries(t0), await secretaries(t1)]).toEqual([0, 1]);
  });

  it.each([
    ['/branches/b-1', 'knownAt beside an instant asOf', `asOf=${encodeURIComponent('2025-09-01T00:00:00Z')}&knownAt=${encodeURIComponent('2025-09-01T00:00:00Z')}`, 'known-at-with-instant'],
    ['/branches', 'a knownAt without its zone', `asOf=2025-07-01&knownAt=${encodeURIComponent('2025-09-01T00:00:00')}`, 'known-at'],
    ['/members/m-1', 'a knownAt that is a day', 'knownAt=2025-09-01', 'known-at'],
    ['/members', 'a knownAt on a day that does not exist', `knownAt=${encodeURIComponent('2025-06-31T00:00:00Z')}`, 'known-at'],
    ['/members/m-1', 'an empty knownAt (a script\'s unset variable)', 'knownAt=', 'not-empty'],
  ])('refuses on %s %s: 400 naming knownAt and the rule', async (path, _what, query, rule) => {
    const r = await refusedUnchanged(gw, 400, () => admin.get(`${path}?${query}`));
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'knownAt', rule })]);
  });

  it.each([
    ['/units/xa-1', 'an empty asOf', 'asOf=', 'not-empty'],
  ])('refuses on %s %s: 400 naming asOf and the rule', async (path, _what, query, rule) => {
    const r = await refusedUnchanged(gw, 400, () => admin.get(`${path}?${query}`));
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'asOf', rule })]);
  });

  it.each([
    ['/units/xa-1/tree', 'knownAt', `knownAt=${encodeURIComponent('2200-12-31T23:59:59Z')}`],
    ['/training-compliance', 'knownAt', `unitId=xa-2&year=2025&asOf=2025-12-31&knownAt=${encodeURIComponent('2200-01-01T00:00:00Z')}`],
    ['/members', 'asOf', `branchId=b-1&asOf=${encodeURIComponent('2200-12-31T00:00:00Z')}`],
    ['/ratings', 'asOf', `unitId=xa-1&year=2025&asOf=${encodeURIComponent('2200-12-31T00:00:00+07:00')}`],
  ])('refuses on %s an instant to come as %s (422 not-after-now): its answer would change with the next write', async (path, field, query) => {
    const r = await refusedUnchanged(gw, 422, () => admin.get(`${path}?${query}`));
    expect([r.body.rule, r.body.field]).toEqual(['not-after-now', field]);
  });

  it('refuses an empty cursor as it refuses an empty asOf (400 not-empty), on every paged list', async () => {
    for (const path of ['/members?branchId=b-1&cursor=', '/branches?cursor=', '/ratings?cursor=', '/training-courses?cursor=']) {
      const r = await refusedUnchanged(gw, 400, () => admin.get(path));
      expect([path, r.body.errors]).toEqual([path, [expect.objectContaining({ field: 'cursor', rule: 'not-empty' })]]);
    }
  });

  it('refuses an empty minPosition as it refuses an empty cursor (400 not-empty): read as 0 it skipped the wait asked for (a probe)', async () => {
    for (const path of ['/members?branchId=b-1&minPosition=', '/branches/b-1/officers?minPosition=', '/training-compliance?unitId=xa-1&year=2025&minPosition=', '/ratings?minPosition=']) {
      const r = await refusedUnchanged(gw, 400, () => admin.get(path));
      expect([path, r.body.errors]).toEqual([path, [expect.objectContaining({ field: 'minPosition', rule: 'not-empty' })]]);
    }
    expect((await admin.get('/members?branchId=b-1&minPosition=0')).status).toBe(200);
  });

  it('reads a day to come as what is pending then, known now', async () => {
    expect(ok(await admin.get('/units/xa-1?asOf=2200-01-01')).id).toBe('xa-1');
  });
});

describe('two time axes in the OpenAPI document', () => {
  let gw: Gateway;
  afterAll(async () => gw?.close());

  /** Reports held against a day from today's read models (deadlines passed by asOf, a year's summary): a date, not a history. */
  const DAY_ONLY = ['/api/v1/personnel-reports/overdue-interim-officers', '/api/v1/reports/units/{id}/summary'];

  it('declares knownAt on every read that takes asOf, and the reads that fold their history do take it', async () => {
    gw = await startGateway();
    const document = SwaggerModule.createDocument(gw.app, new DocumentBuilder().build());
    const reads = Object.entries(document.paths).flatMap(([path, item]) => {
      const names = (item.get?.parameters ?? []).map((p) => ('name' in p ? `${p.in}:${p.name}` : ''));
      return names.includes('query:asOf') ? [`${path} ${names.includes('query:knownAt') ? 'knownAt' : 'asOf only'}`] : [];
    });
    expect(reads.filter((r) => r.endsWith('asOf only') && !DAY_ONLY.includes(r.split(' ')[0]))).toEqual([]);
    expect(reads.length).toBeGreaterThanOrEqual(14);
  });
});
