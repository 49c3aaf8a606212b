import { EventStore } from '@register/event-sourcing';
import { PERSONNEL_LOG } from '../../services/personnel/src/application/tokens';
import { Gateway, startSeeded } from '../gateway/gateway-app';

jest.setTimeout(60_000);

type Item = { index: number; status: number; id: string; rule?: string; duplicate?: boolean; position?: number; existingMemberId?: string };
type Answer = { recorded: number; refused: number; position: number; items: Item[] };

/** POST /admission-batches through the embedded gateway: each admission as POST /members decides it, the ones that stand recorded together. */
describe('admissions in batches (POST /admission-batches, embedded)', () => {
  let gw: Gateway;
  let admin: Awaited<ReturnType<typeof startSeeded>>['admin'];
  const why = { reason: 'Quyết định kết nạp đoàn viên đợt 26/3', decisionRef: { number: '15-QĐ/ĐTN' } };
  const applicant = (n: number, over: Record<string, unknown> = {}) => ({ branchId: 'b-1', fullName: `Lò Thị Ứng ${n}`, dateOfBirth: '2005-02-14', gender: 'female', admittedOn: '2025-03-26', ...over });
  const outcome = (a: Answer) => a.items.map((i) => [i.status, i.rule ?? i.id]);

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
  });
  afterAll(() => gw?.close());

  it('admits the applicants that stand in one append, each on its own day, and refuses each other one as POST /members would', async () => {
    expect((await admin.post('/members', { id: 'm-old', ...applicant(9), ...why })).status).toBe(201);
    const before = await gw.personnelStore.headPosition();
    const r = await admin.post('/admission-batches', {
      ...why,
      members: [
        applicant(1, { id: 'm-1' }),
        applicant(2, { id: 'm-2', dateOfBirth: '1990-01-01' }),
        applicant(9, { id: 'm-3' }),
        applicant(4, { id: 'm-4', admittedOn: '2025-04-02', branchId: 'b-2' }),
        applicant(4, { id: 'm-5', admittedOn: '2025-04-02', branchId: 'b-2' }),
        applicant(4, { id: 'm-6', admittedOn: '2025-04-02', branchId: 'b-2', namesake: true }),
        applicant(7, { id: 'm-1' }),
      ],
    });
    expect(r.status).toBe(200);
    const a = r.body as Answer;
    expect(outcome(a)).toEqual([[201, 'm-1'], [422, 'admission-age'], [409, 'possible-duplicate'], [201, 'm-4'], [409, 'possible-duplicate'], [201, 'm-6'], [422, 'member-twice-in-batch']]);
    expect([a.items[2].existingMemberId, a.items[4].existingMemberId]).toEqual(['m-old', 'm-4']);
    expect(await gw.personnelStore.headPosition()).toBe(before + 3);
    expect([a.items[3].position, a.items[5].position]).toEqual([a.items[0].position! + 1, a.items[0].position! + 2]);
    const [first] = await gw.personnelStore.readStream('member-m-4');
    expect(first.metadata).toMatchObject({ actor: 'admin', reason: 'Quyết định kết nạp đoàn viên đợt 26/3', effectiveDate: '2025-04-02', decision: { number: '15-QĐ/ĐTN' } });
    expect(first.data).toMatchObject({ memberId: 'm-4', branchId: 'b-2', personal: { fullName: 'Lò Thị Ứng 4' } });
    // sealed at rest, as any admission's
    const [atRest] = await gw.app.get<EventStore>(PERSONNEL_LOG).readStream('member-m-4');
    expect(JSON.stringify(atRest)).not.toContain('Ứng');
    const read = await admin.get('/members/m-6', { 'x-purpose': 'admission-check' });
    expect([read.status, read.body.fullName, read.body.branchId]).toEqual([200, 'Lò Thị Ứng 4', 'b-2']);
  });

  it('answers the same batch again (its Idempotency-Key) from the first answer: the members it drew ids for are the same, nobody admitted twice', async () => {
    const key = { 'idempotency-key': 'ket-nap-dot-2-2025' };
    const body = { ...why, members: [applicant(21), applicant(22, { dateOfBirth: '1990-01-01' }), applicant(23)] };
    const first = (await admin.post('/admission-batches', body, key)).body as Answer;
    expect(first.items.map((i) => i.status)).toEqual([201, 422, 201]);
    const before = await gw.personnelStore.headPosition();
    const again = (await admin.post('/admission-batches', body, key)).body as Answer;
    expect(again.items.map((i) => [i.status, i.id, i.duplicate ?? null])).toEqual([[201, first.items[0].id, true], [422, first.items[1].id, null], [201, first.items[2].id, true]]);
    expect(await gw.personnelStore.headPosition()).toBe(before);
    expect(first.items[0].id).not.toBe(first.items[2].id);
    // two namesakes, the second said to be another person: the same batch again answers both, the first not refused for the second
    // the first of two namesakes refused (for age, on an earlier day): the second is no duplicate of it
    const young = ((await admin.post('/admission-batches', { ...why, members: [applicant(25, { admittedOn: '2019-03-26' }), applicant(25)] })).body as Answer).items;
    expect(young.map((i) => [i.status, i.rule ?? null])).toEqual([[422, 'admission-age'], [201, null]]);
    const pair = { ...why, members: [applicant(24), applicant(24, { namesake: true })] };
    const pairKey = { 'idempotency-key': 'ket-nap-dot-3-2025' };
    expect(((await admin.post('/admission-batches', pair, pairKey)).body as Answer).items.map((i) => i.status)).toEqual([201, 201]);
    expect(((await admin.post('/admission-batches', pair, pairKey)).body as Answer).items.map((i) => [i.status, i.duplicate])).toEqual([[201, true], [201, true]]);
  });

  it("admits into the caller's branches only: a batch naming one branch outside the scope is 403 whole, nothing admitted", async () => {
    const commune = gw.api(await gw.bearer({ sub: 'xa-1-officer', roles: ['unit-officer'], scopeUnitId: 'xa-1' } as never));
    const before = await gw.heads();
    expect((await commune.post('/admission-batches', { ...why, members: [applicant(31), applicant(32, { branchId: 'b-3' })] })).status).toBe(403);
    expect(await gw.heads()).toBe(before);
    const own = (await commune.post('/admission-batches', { ...why, members: [applicant(31), applicant(32, { branchId: 'b-2' })] })).body as Answer;
    expect(own.items.map((i) => i.status)).toEqual([201, 201]);
  });

  it("refuses a bad batch whole with 400, naming each item's field and rule, and admits nobody", async () => {
    const before = await gw.heads();
    const r = await admin.post('/admission-batches', { ...why, members: [applicant(41), applicant(42, { dateOfBirth: '2005-02-30', gender: 'x' }), { ...applicant(43), phone: 'none', extra: true }] });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`)).toEqual(['members.1.dateOfBirth:isCalendarDate', 'members.1.gender:isIn', 'members.2.extra:unknown-field', 'members.2.phone:matches']);
    expect((await admin.post('/admission-batches', { ...why, members: [] })).body.errors[0]).toMatchObject({ field: 'members', rule: 'arrayMinSize' });
    // a field left null (which a single command would refuse by its rule) is refused with the request, each named
    const nulls = await admin.post('/admission-batches', { ...why, effectiveDate: null, members: [applicant(44, { introducerId: null, branchId: 'b-nowhere' })] });
    expect([nulls.status, nulls.body.errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`)]).toEqual([400, ['effectiveDate:no-null-field', 'members.0.introducerId:no-null-field']]);
    expect(await gw.heads()).toBe(before);
  });
});
