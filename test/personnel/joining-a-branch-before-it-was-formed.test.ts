import { Gateway, refusedUnchanged, startSeeded, why } from '../gateway/gateway-app';

/**
 * A branch formed by a merger or split had no members before its day: theirs were in the branches
 * it came from. A black-box probe transferred a member into one on a day before it was formed (201),
 * and the member was then in no roster of that day. A branch established on its own is not held to
 * its recorded day (a register is started from today's branches, then their members' real days).
 */
describe('joining a branch before a merger formed it (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  let formed: string;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    for (const [id, branchId, name] of [['m-a', 'b-1', 'Hà Văn Tuấn'], ['m-b', 'b-3', 'Lữ Thị Dung'], ['m-c', 'b-3', 'Lang Văn Thái']]) {
      const r = await admin.post('/members', { id, branchId, fullName: name, dateOfBirth: '2001-05-05', gender: 'male', admittedOn: '2024-06-01', reason: 'kết nạp' });
      expect(r.status === 201 ? 201 : r.raw).toBe(201);
    }
    const merged = await admin.post('/branch-mergers', { sourceBranchIds: ['b-1', 'b-2'], into: { name: 'Chi đoàn bản Mường Pục', area: { kind: 'village', name: 'Mường Pục' } }, ...why('sáp nhập bản', '2025-03-01') });
    expect(merged.status === 201 ? 201 : merged.raw).toBe(201);
    formed = merged.body.intoBranchId ?? merged.body.branchId ?? merged.body.id;
    expect(typeof formed).toBe('string');
    await gw.syncPersonnel();
  });
  afterAll(() => gw?.close());

  it('refuses a transfer, an admission and a residential affiliation dated before the merger, naming the rule; on its day they stand', async () => {
    const early = await refusedUnchanged(gw, 422, () => admin.post('/members/m-b/transfers', { toBranchId: formed, ...why('chuyển sinh hoạt', '2025-02-01') }));
    expect([early.body.rule, early.body.detail]).toEqual(['branch-not-yet-formed', expect.stringContaining('after 2025-02-01')]);
    const admitted = await refusedUnchanged(gw, 422, () => admin.post('/members', { branchId: formed, fullName: 'Vi Thị Lan', dateOfBirth: '2002-02-02', gender: 'female', admittedOn: '2025-02-15', reason: 'kết nạp' }));
    expect(admitted.body.rule).toBe('branch-not-yet-formed');
    const batch = await admin.post('/admission-batches', { members: [{ branchId: formed, fullName: 'Vi Thị Lan', dateOfBirth: '2002-02-02', gender: 'female', admittedOn: '2025-02-15' }], reason: 'kết nạp' });
    expect(JSON.stringify(batch.body)).toContain('branch-not-yet-formed');
    // A refused item names no id the register made for a member never admitted (a probe's client kept such ids).
    expect(batch.body.items[0]).not.toHaveProperty('id');
    const lives = await refusedUnchanged(gw, 422, () => admin.post('/members/m-c/residential-affiliations', { branchId: formed, ...why('sinh hoạt nơi cư trú', '2025-01-15') }));
    expect(lives.body.rule).toBe('branch-not-yet-formed');
    const onTheDay = await admin.post('/members/m-b/transfers', { toBranchId: formed, ...why('chuyển sinh hoạt', '2025-03-01') });
    expect(onTheDay.status === 201 ? 201 : onTheDay.raw).toBe(201);
  });

  it('still admits a member on a day before a branch established on its own was recorded (the register started from today\'s branches)', async () => {
    const r = await admin.post('/members', { branchId: 'b-3', fullName: 'Quang Văn Minh', dateOfBirth: '1999-09-09', gender: 'male', admittedOn: '2016-03-26', reason: 'nhập sổ' });
    expect(r.status === 201 ? 201 : r.raw).toBe(201);
  });
});
