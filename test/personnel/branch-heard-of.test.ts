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

  it("appoints to it, assigns it a mentor and rates it once personnel, training and evaluation hear of it", async () => {
    await gw.syncTraining();
    await establish('b-new-5', 'Chi đoàn bản Nà Hỳ');
    handOverSoon();
    // h-1 is a member of b-new-2: the appointment gets as far as the member rule, where it was 404 for the branch.
    const appointed = await admin.post('/branches/b-new-5/officer-appointments', { memberId: 'h-1', role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-05-01', ...why('chỉ định', '2025-05-01') });
    expect([appointed.status, appointed.body.rule]).toEqual([422, 'member-not-in-branch']);

    await establish('b-new-6', 'Chi đoàn bản Xốp Mạt');
    setTimeout(() => void gw.syncTraining(), 200);
    const mentor = await admin.post('/mentor-assignments', { branchId: 'b-new-6', mentorMemberId: 'h-1', startsOn: '2025-05-01', ...why('phân công') });
    expect(mentor.status === 201 ? 201 : mentor.raw).toBe(201);

    await establish('b-new-7', 'Chi đoàn bản Huồi Cáng');
    setTimeout(() => void gw.syncEvaluation(), 200);
    const rated = await admin.post('/ratings', { subjectType: 'branch', subjectId: 'b-new-7', year: 2025, scale: 'four-level', grade: 'good', stage: 'self-assessment', ...why('tự đánh giá', '2025-12-20') });
    expect(rated.status === 201 ? 201 : rated.raw).toBe(201);
  });

  it('refuses a branch the register never established, once the wait is over (422 branch-unknown)', async () => {
    const nowhere = await admin.post('/members', { branchId: 'b-nowhere', fullName: 'Hà Văn Trẻ', dateOfBirth: '2005-01-01', gender: 'male', admittedOn: '2025-01-01', ...why('kết nạp') });
    expect([nowhere.status, nowhere.body.rule]).toEqual([422, 'branch-unknown']);
  });
});
