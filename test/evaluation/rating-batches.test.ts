import { seedTree } from '../gateway/gateway-app';
import { EvaluationApp, startEvaluation } from './evaluation-app';

jest.setTimeout(60_000);

type Item = { index: number; status: number; id: string; rule?: string; duplicate?: boolean; position?: number };
type Answer = { recorded: number; refused: number; position: number; items: Item[] };

/** POST /rating-batches through the embedded gateway: each item as POST /ratings decides it, the ones that stand recorded together. */
describe('ratings in batches (POST /rating-batches, embedded)', () => {
  let app: EvaluationApp;
  const why = { reason: 'Tổng kết năm 2025', effectiveDate: '2025-12-20' };
  const item = (subjectId: string, over: Record<string, unknown> = {}) => ({ subjectType: 'member', subjectId, year: 2025, scale: 'four-level', grade: 'good', stage: 'self-assessment', ...over });
  const as = async (sub: string, claims: Record<string, unknown>) => app.gw.api(await app.gw.bearer({ sub, ...claims } as never));
  const outcome = (a: Answer) => a.items.map((i) => [i.status, i.rule ?? i.id]);

  beforeAll(async () => {
    app = await startEvaluation();
    await seedTree(app.admin);
    await app.sync();
    const admit = (id: string, branchId: string) =>
      app.admin.post('/members', { id, branchId, fullName: `Vi Thị Ửng ${id}`, dateOfBirth: '2001-05-04', gender: 'female', admittedOn: '2024-03-26', reason: 'kết nạp', effectiveDate: '2024-03-26' });
    for (const [id, branch] of [['m1', 'b-1'], ['m2', 'b-1'], ['m3', 'b-1'], ['m4', 'b-1'], ['m9', 'b-2']]) expect((await admit(id, branch)).status).toBe(201);
    await app.sync();
  });
  afterAll(() => app?.gw.close());

  it('records the items that stand, in one append, and answers each as POST /ratings would; a refused item refuses itself alone', async () => {
    const before = await app.evaluationStore.headPosition();
    const r = await app.admin.post('/rating-batches', { ...why, ratings: [item('m1'), item('m2', { scale: 'member-classic' }), item('m-nobody'), item('m1', { grade: 'excellent' }), item('m3'), item('m3', { year: 2022, scale: 'member-classic', grade: 'good' })] });
    expect(r.status).toBe(200);
    const a = r.body as Answer;
    expect(outcome(a)).toEqual([[201, 'member.2025.m1'], [422, 'scale-not-in-use'], [422, 'subject-did-not-exist'], [422, 'rating-twice-in-batch'], [201, 'member.2025.m3'], [422, 'subject-did-not-exist']]);
    expect({ recorded: a.recorded, refused: a.refused }).toEqual({ recorded: 2, refused: 4 });
    expect(await app.evaluationStore.headPosition()).toBe(before + 2);
    expect(a.items[4].position).toBe(a.items[0].position! + 1);
    expect(a.position).toBe(a.items[4].position);
    // what a single POST /ratings writes, field for field
    const single4 = await app.admin.post('/ratings', { ...why, ...item('m4') });
    expect(single4.status).toBe(201);
    const [batched, single] = await Promise.all(['member-m3', 'member-m4'].map(async (s) => (await app.evaluationStore.readStream(`rating-member.2025.${s.slice(7)}`))[0]));
    expect({ ...batched.data as object, subjectId: 'x', ratingId: 'x' }).toEqual({ ...single.data as object, subjectId: 'x', ratingId: 'x' });
    expect(batched.metadata).toMatchObject({ actor: 'admin', reason: 'Tổng kết năm 2025', effectiveDate: '2025-12-20' });
    const listed = await app.admin.get(`/ratings?unitId=xa-1&year=2025&minPosition=${single4.body.position}`);
    expect(listed.body.items.map((i: { subjectId: string }) => i.subjectId).sort()).toEqual(['m1', 'm3', 'm4']);
  });

  it('answers a retried batch (the same Idempotency-Key) from its first answer and records nothing twice; the key for another batch is 422', async () => {
    const key = { 'idempotency-key': 'xep-loai-2025-b1-quyet-dinh' };
    const body = { ...why, decisionRef: { number: '12/QĐ-ĐTN' }, ratings: [item('m1', { stage: 'decision', grade: 'excellent' }), item('m2', { stage: 'decision' })] };
    const first = (await app.admin.post('/rating-batches', body, key)).body as Answer;
    expect(outcome(first)).toEqual([[201, 'member.2025.m1'], [422, 'self-assessment-first']]);
    const before = await app.heads();
    const again = (await app.admin.post('/rating-batches', body, key)).body as Answer;
    expect(again.items.map((i) => [i.status, i.duplicate ?? null, i.position ?? null])).toEqual([[201, true, first.items[0].position], [422, null, null]]);
    expect(await app.heads()).toBe(before);
    const other = await app.admin.post('/rating-batches', { ...body, ratings: [item('m2', { stage: 'decision' })] }, key);
    expect([other.status, other.body.rule]).toEqual([422, 'idempotency-key-reused']);
  });

  it("lets a branch's secretary rate their branch's members in a batch, not decide their branch's own rating, nor reach a member of another branch (403, nothing recorded)", async () => {
    const secretary = await as('bt-1', { roles: ['branch-secretary'], scopeBranchId: 'b-1' });
    const before = await app.heads();
    expect((await secretary.post('/rating-batches', { ...why, ratings: [item('m2', { year: 2024 }), item('m9')] })).status).toBe(403);
    // a member's rating is their branch's to decide; the branch's own is the level above's
    expect((await secretary.post('/rating-batches', { ...why, ratings: [item('m2', { year: 2024 }), item('b-1', { subjectType: 'branch', stage: 'decision' })] })).status).toBe(403);
    expect(await app.heads()).toBe(before);
    const own = await secretary.post('/rating-batches', { ...why, ratings: [item('m2', { year: 2024 })] });
    expect([own.status, outcome(own.body as Answer)]).toEqual([200, [[201, 'member.2024.m2']]]);
    const commune = await as('xa-1-officer', { roles: ['unit-officer'], scopeUnitId: 'xa-1' });
    expect(outcome((await commune.post('/rating-batches', { ...why, ratings: [item('m4', { stage: 'decision' }), item('m9')] })).body as Answer)).toEqual([[201, 'member.2025.m4'], [201, 'member.2025.m9']]);
  });

  it('refuses a bad batch whole with 400, naming each item\'s field and rule, and records nothing', async () => {
    const before = await app.heads();
    const r = await app.admin.post('/rating-batches', { ...why, ratings: [item('m1'), item('m2', { grade: 'strong' }), item('m 3', { stage: 'final' })] });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`)).toEqual(['ratings.1.grade:grade-in-scale', 'ratings.2.subjectId:matches', 'ratings.2.stage:isIn']);
    expect((await app.admin.post('/rating-batches', { ...why, ratings: [] })).body.errors[0]).toMatchObject({ field: 'ratings', rule: 'arrayMinSize' });
    const nulls = await app.admin.post('/rating-batches', { ...why, decisionRef: { number: '1/QĐ', issuedBy: null }, ratings: [item('m1', { period: null })] });
    expect([nulls.status, nulls.body.errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`)]).toEqual([400, ['decisionRef.issuedBy:no-null-field', 'ratings.0.period:no-null-field']]);
    const officer = await as('xa-1-officer', { roles: ['unit-officer'], scopeUnitId: 'xa-1' });
    const tooMany = await officer.post('/rating-batches', { ...why, ratings: Array.from({ length: 1001 }, (_, i) => item(`m${i}`)) });
    expect([tooMany.status, tooMany.body.errors?.[0]?.field]).toEqual([400, 'ratings']);
    expect(await app.heads()).toBe(before);
  });
});
