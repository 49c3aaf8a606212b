import { Gateway, startSeeded, why } from '../gateway/gateway-app';

/**
 * A command naming a branch organisation has just established, before personnel has heard of it:
 * it waits for the branch's event (briefly), where it was refused 422 branch-unknown, a lag given
 * as a rule (a black-box probe of api.md). In this harness personnel hears of organisation's events
 * only when the test hands them over (syncPersonnel), so the lag is as long as the test makes it.
 */
describe('a command naming a branch established a moment ago (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
  });
  afterAll(async () => gw?.close());

  const establish = async (id: string, name: string) => {
    const r = await admin.post('/branches', { id, parentUnitId: 'xa-1', name, area: { kind: 'village', name: name.slice(13) }, ...why('thành lập') });
    expect(r.status === 201 ? 201 : r.raw).toBe(201);
  };
  const handOverSoon = () => setTimeout(() => void gw.syncPersonnel(), 200);

  it('admits into it, transfers into it and admits a batch into it once personnel hears of it', async () => {
    await establish('b-new-1', 'Chi đoàn bản Hủa Na');
    handOverSoon();
    const admitted = await admin.post('/members', { id: 'h-1', branchId: 'b-new-1', fullName: 'Lò Thị Hoa', dateOfBirth: '2003-05-05', gender: 'female', admittedOn: '2025-03-26', ...why('kết nạp', '2025-03-26') });
    expect(admitted.status === 201 ? 201 : admitted.raw).toBe(201);

    await establish('b-new-2', 'Chi đoàn bản Na Ca');
    handOverSoon();
    const moved = await admin.post('/members/h-1/transfers', { toBranchId: 'b-new-2', ...why('chuyển sinh hoạt', '2025-04-01') });
    expect(moved.status === 201 ? 201 : moved.raw).toBe(201);

    await establish('b-new-3', 'Chi đoàn bản Mường Hinh');
    handOverSoon();
    const batch = await admin.post('/admission-batches', { members: [{ id: 'h-2', branchId: 'b-new-3', fullName: 'Vi Văn Hùng', dateOfBirth: '2002-01-01', gender: 'male', admittedOn: '2025-03-26' }], ...why('kết nạp', '2025-03-26') });
    expect(batch.status < 300 ? batch.status : batch.raw).toBeLessThan(300);
    const member = await admin.get('/members/h-2');
    expect([member.status, member.body.branchId]).toEqual([200, 'b-new-3']);
  });

  it('refuses a branch the register never established, once the wait is over (422 branch-unknown)', async () => {
    const nowhere = await admin.post('/members', { branchId: 'b-nowhere', fullName: 'Hà Văn Trẻ', dateOfBirth: '2005-01-01', gender: 'male', admittedOn: '2025-01-01', ...why('kết nạp') });
    expect([nowhere.status, nowhere.body.rule]).toEqual([422, 'branch-unknown']);
  });
});
