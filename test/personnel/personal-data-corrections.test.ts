import { Gateway, refusedUnchanged, startSeeded, why } from '../gateway/gateway-app';

/**
 * Corrections of a member's personal data (a black-box probe found none: a misspelt name or a wrong
 * birth date could only be erased). The fields given replace those held; the history keeps the
 * correction, and a read as the register knew it before (knownAt) gives the data held then.
 */
describe('correcting a member\'s personal data (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  const admit = (id: string, over: Record<string, unknown> = {}) =>
    admin.post('/members', { id, branchId: 'b-1', fullName: 'Lò Thị Huong', dateOfBirth: '2001-04-02', gender: 'female', admittedOn: '2021-03-26', nationalId: '001201000001', reason: 'kết nạp', ...over });
  const correct = (id: string, body: Record<string, unknown>) => admin.post(`/members/${id}/personal-data-corrections`, { ...body, ...why('sửa sai sót khi nhập') });

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    for (const [id, over] of [['m-c', {}], ['m-other', { fullName: 'Vi Văn Khánh', nationalId: '001201000002' }], ['m-gone', { fullName: 'Hà Văn Xoá', nationalId: undefined }]] as const) {
      const r = await admit(id, over);
      expect(r.status === 201 ? 201 : r.raw).toBe(201);
    }
  });

  afterAll(async () => {
    await gw?.close();
  });

  it('replaces the fields given and keeps the rest; reads of every day and searches show the corrected name, knownAt before it the old one', async () => {
    const before = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const r = await correct('m-c', { fullName: 'Lò Thị Hương', dateOfBirth: '2001-04-12' });
    expect(r.status === 201 ? 201 : r.raw).toBe(201);
    const now = await admin.get('/members/m-c');
    expect(now.body).toMatchObject({ fullName: 'Lò Thị Hương', dateOfBirth: '2001-04-12', gender: 'female' });
    const found = await admin.get(`/members?q=${encodeURIComponent('hương')}&branchId=b-1&minPosition=${r.body.position}`);
    expect(found.body.items.map((m: { id: string }) => m.id)).toEqual(['m-c']);
    const history = await admin.get('/members/m-c/history');
    expect(history.body.items.at(-1)).toMatchObject({ type: 'MemberPersonalDataCorrected', reason: 'sửa sai sót khi nhập' });
    // A correction fixes the record: the member's name was always the corrected one, whatever the day
    // (docs/effective-dates.md); what the register said before it is read with knownAt.
    expect((await admin.get('/members/m-c?asOf=2022-01-01')).body.fullName).toBe('Lò Thị Hương');
    expect((await admin.get(`/members/m-c?knownAt=${before}`)).body.fullName).toBe('Lò Thị Huong');
  });

  it('refuses what would break a rule, names the field or rule, and records nothing', async () => {
    const none = await refusedUnchanged(gw, 422, () => admin.post('/members/m-c/personal-data-corrections', why('sửa')));
    expect(none.body.rule).toBe('nothing-to-correct');
    const badName = await refusedUnchanged(gw, 400, () => correct('m-c', { fullName: 'Lò Thị 😀' }));
    expect(badName.body.errors).toEqual([expect.objectContaining({ field: 'fullName', rule: 'name-characters' })]);
    expect((await refusedUnchanged(gw, 422, () => correct('m-c', { dateOfBirth: '2010-01-01' }))).body.rule).toBe('admission-age');
    expect((await refusedUnchanged(gw, 409, () => correct('m-c', { nationalId: '001201000002' }))).body.rule).toBe('national-id-taken');
    expect((await refusedUnchanged(gw, 404, () => correct('m-nobody', { fullName: 'Lò Văn Ai' }))).status).toBe(404);
  });

  it('records nothing for the values already held, and refuses an erased member', async () => {
    const head = await gw.personnelStore.headPosition();
    const same = await correct('m-c', { fullName: 'Lò Thị Hương' });
    // Nothing recorded; the position answered is the log's head, from which a read shows the value held.
    expect([same.status, same.body.position]).toEqual([201, head]);
    expect(await gw.personnelStore.headPosition()).toBe(head);
    expect((await admin.post('/members/m-gone/personal-data-erasure', why('yêu cầu xoá dữ liệu'))).status).toBe(201);
    expect((await refusedUnchanged(gw, 422, () => correct('m-gone', { fullName: 'Hà Văn Xoà' }))).body.rule).toBe('personal-data-erased');
  });
});
