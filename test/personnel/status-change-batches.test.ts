import { Gateway, startSeeded } from '../gateway/gateway-app';

jest.setTimeout(60_000);

type Item = { index: number; status: number; id: string; rule?: string; duplicate?: boolean; position?: number };
type Answer = { recorded: number; unchanged: number; refused: number; position: number; items: Item[] };

/** POST /status-change-batches through the embedded gateway: a yearly review of members, each change as the single command decides it. */
describe("members' status changes in batches (POST /status-change-batches, embedded)", () => {
  let gw: Gateway;
  let admin: Awaited<ReturnType<typeof startSeeded>>['admin'];
  const why = { reason: 'Rà soát đoàn viên cuối năm 2025', decisionRef: { number: '07-BC/CĐ' } };
  const outcome = (a: Answer) => a.items.map((i) => [i.status, i.rule ?? i.id]);
  const admit = async (id: string, over: Record<string, unknown> = {}) =>
    expect((await admin.post('/members', { id, branchId: 'b-1', fullName: `Vi Văn ${id}`, dateOfBirth: '1996-05-02', gender: 'male', admittedOn: '2015-03-26', reason: 'kết nạp', ...over })).status).toBe(201);

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    for (const id of ['m-a', 'm-b', 'm-c', 'm-d', 'm-e', 'm-young']) await admit(id, id === 'm-young' ? { dateOfBirth: '2008-01-01', admittedOn: '2024-03-26' } : {});
    await admit('m-far', { branchId: 'b-3' });
  });
  afterAll(() => gw?.close());

  it('records the changes that stand in one append, each on its own day, and refuses each other one as the single command would', async () => {
    const before = await gw.personnelStore.headPosition();
    const r = await admin.post('/status-change-batches', {
      ...why,
      effectiveDate: '2025-12-01',
      changes: [
        { memberId: 'm-a', status: 'away-work', effectiveDate: '2025-09-01' },
        { memberId: 'm-b', status: 'away-study' },
        { memberId: 'm-young', status: 'came-of-age' },
        { memberId: 'm-nobody', status: 'left' },
        { memberId: 'm-c', status: 'active' },
        { memberId: 'm-d', status: 'stay-on', effectiveDate: '2026-05-01' },
        { memberId: 'm-a', status: 'active' },
      ],
    });
    expect(r.status).toBe(200);
    const a = r.body as Answer;
    expect(outcome(a)).toEqual([[201, 'm-a'], [201, 'm-b'], [422, 'not-yet-of-age'], [404, 'm-nobody'], [201, 'm-c'], [201, 'm-d'], [422, 'member-twice-in-batch']]);
    expect([a.recorded, a.unchanged, a.refused]).toEqual([3, 1, 3]);
    // m-c is active already: answered as the single command answers it, with nothing recorded
    expect(await gw.personnelStore.headPosition()).toBe(before + 3);
    expect(await gw.personnelStore.readStream('member-m-c')).toHaveLength(1);
    expect([a.items[1].position, a.items[5].position]).toEqual([a.items[0].position! + 1, a.items[0].position! + 2]);
    const [, away] = await gw.personnelStore.readStream('member-m-a');
    expect(away.type).toBe('MemberStatusChanged');
    expect(away.data).toMatchObject({ memberId: 'm-a', status: 'away-work', previousStatus: 'active', changedOn: '2025-09-01' });
    expect(away.metadata).toMatchObject({ actor: 'admin', reason: 'Rà soát đoàn viên cuối năm 2025', effectiveDate: '2025-09-01', decision: { number: '07-BC/CĐ' } });
    const [, study] = await gw.personnelStore.readStream('member-m-b');
    expect([(study.data as { changedOn: string }).changedOn, study.metadata.effectiveDate]).toEqual(['2025-12-01', '2025-12-01']);
    const [, stay] = await gw.personnelStore.readStream('member-m-d');
    expect(stay.type).toBe('MemberStayExtended');
    await gw.syncPersonnel();
    const read = await admin.get('/members/m-a', { 'x-purpose': 'review-check' });
    expect([read.status, read.body.status]).toEqual([200, 'away-work']);
  });

  it('answers the same review again (its Idempotency-Key) from what it recorded: nothing changed twice', async () => {
    const key = { 'idempotency-key': 'ra-soat-2025-dot-2' };
    const body = { ...why, effectiveDate: '2025-12-15', changes: [{ memberId: 'm-e', status: 'away-work' }, { memberId: 'm-young', status: 'came-of-age' }] };
    const first = (await admin.post('/status-change-batches', body, key)).body as Answer;
    expect(outcome(first)).toEqual([[201, 'm-e'], [422, 'not-yet-of-age']]);
    const before = await gw.personnelStore.headPosition();
    const again = (await admin.post('/status-change-batches', body, key)).body as Answer;
    expect(again.items.map((i) => [i.status, i.duplicate ?? null])).toEqual([[201, true], [422, null]]);
    expect(await gw.personnelStore.headPosition()).toBe(before);
  });

  it("changes the caller's members only: a batch naming one member outside the scope is 403 whole, nothing recorded", async () => {
    const commune = gw.api(await gw.bearer({ sub: 'xa-1-officer', roles: ['unit-officer'], scopeUnitId: 'xa-1' } as never));
    const before = await gw.heads();
    const changes = [{ memberId: 'm-e', status: 'active' }, { memberId: 'm-far', status: 'away-work' }];
    expect((await commune.post('/status-change-batches', { ...why, effectiveDate: '2026-01-10', changes })).status).toBe(403);
    expect(await gw.heads()).toBe(before);
    const own = (await commune.post('/status-change-batches', { ...why, effectiveDate: '2026-01-10', changes: changes.slice(0, 1) })).body as Answer;
    expect(outcome(own)).toEqual([[201, 'm-e']]);
  });

  it("refuses a bad batch whole with 400, naming each item's field and rule, and changes nothing", async () => {
    const before = await gw.heads();
    const r = await admin.post('/status-change-batches', { ...why, changes: [{ memberId: 'm-a', status: 'gone' }, { memberId: 'm b', status: 'left', effectiveDate: '2025-02-30' }, { memberId: 'm-c', status: 'left', extra: 1 }] });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`).sort()).toEqual(['changes.0.status:isIn', 'changes.1.effectiveDate:isCalendarDate', 'changes.1.memberId:matches', 'changes.2.extra:unknown-field'].sort());
    expect((await admin.post('/status-change-batches', { ...why, changes: [] })).body.errors[0]).toMatchObject({ field: 'changes', rule: 'arrayMinSize' });
    const nulls = await admin.post('/status-change-batches', { ...why, changes: [{ memberId: 'm-a', status: 'left', effectiveDate: null }] });
    expect([nulls.status, nulls.body.errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`)]).toEqual([400, ['changes.0.effectiveDate:no-null-field']]);
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ memberId: `m-${i}`, status: 'left' }));
    expect((await admin.post('/status-change-batches', { ...why, changes: tooMany })).status).toBe(400);
    expect(await gw.heads()).toBe(before);
  });
});
