import { Gateway, refusedUnchanged, startSeeded, why } from '../gateway/gateway-app';

/**
 * A member's transfer or leaving is checked against the posts they hold on its own day, not only
 * today (a black-box probe): with a departure recorded already and dated later, a transfer or a
 * leaving dated before it made the branch's secretary a member of another branch, or of none,
 * for the days between.
 */
describe('a change dated inside a post it would leave behind (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    for (const [id, name] of [['m-sec', 'Lò Văn Thắng'], ['m-dep', 'Lò Thị Hạnh'], ['m-other', 'Vi Văn Lực'], ['m-four', 'Vi Thị Mơ']]) {
      const r = await admin.post('/members', { id, branchId: 'b-1', fullName: name, dateOfBirth: '2000-03-01', gender: 'male', admittedOn: '2025-01-02', reason: 'kết nạp' });
      expect(r.status === 201 ? 201 : r.raw).toBe(201);
    }
    for (const [memberId, role] of [['m-sec', 'secretary'], ['m-dep', 'deputy-secretary']]) {
      const r = await admin.post('/branches/b-1/officer-appointments', { memberId, role, method: 'appointed', source: 'teacher', startsOn: '2025-01-10', reason: 'chỉ định' });
      expect(r.status === 201 ? 201 : r.raw).toBe(201);
    }
    for (const [memberId, endsOn] of [['m-sec', '2025-07-01'], ['m-dep', '2025-12-01']]) {
      const r = await admin.post('/branches/b-1/officer-departures', { memberId, endsOn, cause: 'resigned', reason: 'thôi giữ chức' });
      expect(r.status === 201 ? 201 : r.raw).toBe(201);
    }
  });

  afterAll(async () => {
    await gw?.close();
  });

  it('refuses a transfer dated before the departure already recorded, naming the post and its end; one dated on it is taken', async () => {
    const early = await refusedUnchanged(gw, 422, () => admin.post('/members/m-sec/transfers', { toBranchId: 'b-2', duesSettledUpTo: '2025-06-30', ...why('chuyển sinh hoạt', '2025-06-10') }));
    expect([early.body.rule, early.body.detail]).toEqual(['member-holds-post', expect.stringContaining('secretary of branch b-1 until 2025-07-01 on 2025-06-10')]);
    const onTheDay = await admin.post('/members/m-sec/transfers', { toBranchId: 'b-2', duesSettledUpTo: '2025-07-01', ...why('chuyển sinh hoạt', '2025-07-01') });
    expect(onTheDay.status === 201 ? 201 : onTheDay.raw).toBe(201);
  });

  it('refuses a leaving dated inside the post, and takes one dated on its end', async () => {
    const early = await refusedUnchanged(gw, 422, () => admin.post('/members/m-dep/status-changes', { status: 'left', ...why('ra khỏi Đoàn', '2025-10-01') }));
    expect(early.body.rule).toBe('member-holds-post');
    const before = await gw.heads();
    const batch = await admin.post('/status-change-batches', { changes: [{ memberId: 'm-dep', status: 'left', effectiveDate: '2025-10-01' }], ...why('rà soát đoàn viên') });
    expect(JSON.stringify(batch.body)).toContain('member-holds-post');
    expect(await gw.heads()).toBe(before);
    const onTheDay = await admin.post('/members/m-dep/status-changes', { status: 'left', ...why('ra khỏi Đoàn', '2025-12-01') });
    expect(onTheDay.status === 201 ? 201 : onTheDay.raw).toBe(201);
  });

  it('refuses marking away, for work or study, a member holding a post on that day or from a later one (domain.md: an away member is not an officer)', async () => {
    const appointed = await admin.post('/branches/b-1/officer-appointments', { memberId: 'm-four', role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-09-01', reason: 'chỉ định' });
    expect(appointed.status === 201 ? 201 : appointed.raw).toBe(201);
    for (const [status, on] of [['away-work', '2025-08-01'], ['away-study', '2025-10-01']]) {
      const r = await refusedUnchanged(gw, 422, () => admin.post('/members/m-four/status-changes', { status, ...why('đi làm ăn xa', on) }));
      expect([r.body.rule, r.body.detail]).toEqual(['member-holds-post', expect.stringContaining(`cause ${status}`)]);
    }
  });

  it('moves a member who never held a post whatever the day', async () => {
    const r = await admin.post('/members/m-other/transfers', { toBranchId: 'b-2', duesSettledUpTo: '2025-03-31', ...why('chuyển sinh hoạt', '2025-03-01') });
    expect(r.status === 201 ? 201 : r.raw).toBe(201);
  });

  it('holds a member sent from the administrative branch to lead another branch of the commune as it holds one leading their own (a reread)', async () => {
    // The commune's administrative branch: no residential area.
    expect((await admin.post('/branches', { id: 'b-adm', parentUnitId: 'xa-1', name: 'Chi đoàn cơ quan xã Tiền Phong', area: null, reason: 'thành lập' })).status).toBe(201);
    await gw.syncPersonnel();
    const admitted = await admin.post('/members', { id: 'm-sent', branchId: 'b-adm', fullName: 'Lương Thị Xuân', dateOfBirth: '1999-04-04', gender: 'female', admittedOn: '2025-01-02', reason: 'kết nạp' });
    expect(admitted.status === 201 ? 201 : admitted.raw).toBe(201);
    // A hamlet's member is not the administrative branch's to send (a probe recorded one so, counted under that source).
    expect((await admin.post('/members', { id: 'm-hamlet', branchId: 'b-1', fullName: 'Hà Văn Bản', dateOfBirth: '1999-04-04', gender: 'male', admittedOn: '2025-01-02', reason: 'kết nạp' })).status).toBe(201);
    const fromHamlet = await refusedUnchanged(gw, 422, () => admin.post('/branches/b-2/officer-appointments', { memberId: 'm-hamlet', role: 'deputy-secretary', method: 'appointed', source: 'commune-administrative-branch', startsOn: '2025-03-01', reason: 'cử cán bộ xã' }));
    expect(fromHamlet.body.rule).toBe('member-not-in-administrative-branch');
    const sent = await admin.post('/branches/b-2/officer-appointments', { memberId: 'm-sent', role: 'deputy-secretary', method: 'appointed', source: 'commune-administrative-branch', startsOn: '2025-03-01', reason: 'cử cán bộ xã' });
    expect(sent.status === 201 ? 201 : sent.raw).toBe(201);
    // The member's audit history holds that post too: their own stream names only b-1 (a probe found it left out).
    const auditor = gw.api(await gw.bearer({ sub: 'kiem-toan', roles: ['auditor'] }));
    const history = (await auditor.get('/audit/entities/member/m-sent/history')).body.changes as Array<{ type: string; streamId: string; data: { branchId?: string } }>;
    expect(history.filter((c) => c.type === 'OfficerAppointed').map((c) => [c.streamId, c.data.branchId])).toEqual([['branch-officers-b-2', 'b-2']]);
    for (const [status, on] of [['left', '2025-05-01'], ['away-work', '2025-05-01'], ['away-study', '2025-06-01']]) {
      const r = await refusedUnchanged(gw, 422, () => admin.post('/members/m-sent/status-changes', { status, ...why('thay đổi', on) }));
      expect([r.body.rule, r.body.detail]).toEqual(['member-holds-post', expect.stringContaining('branch b-2')]);
    }
    const moved = await refusedUnchanged(gw, 422, () => admin.post('/members/m-sent/transfers', { toBranchId: 'b-3', duesSettledUpTo: '2025-05-31', ...why('chuyển sinh hoạt', '2025-05-01') }));
    expect(moved.body.rule).toBe('member-holds-post');
    const before = await gw.heads();
    const batch = await admin.post('/status-change-batches', { changes: [{ memberId: 'm-sent', status: 'left', effectiveDate: '2025-05-01' }], ...why('rà soát đoàn viên') });
    expect(JSON.stringify(batch.body)).toContain('member-holds-post');
    expect(await gw.heads()).toBe(before);
  });

  it('refuses marking away, dated inside a post a branch merger has since ended, a member the merger moved (a black-box probe)', async () => {
    const admitted = await admin.post('/members', { id: 'm-merged', branchId: 'b-2', fullName: 'Cầm Bá Hưng', dateOfBirth: '1998-08-08', gender: 'male', admittedOn: '2025-01-02', reason: 'kết nạp' });
    expect(admitted.status === 201 ? 201 : admitted.raw).toBe(201);
    const appointed = await admin.post('/branches/b-2/officer-appointments', { memberId: 'm-merged', role: 'secretary', method: 'appointed', source: 'teacher', startsOn: '2025-02-01', reason: 'chỉ định' });
    expect(appointed.status === 201 ? 201 : appointed.raw).toBe(201);
    const merged = await admin.post('/branch-mergers', { sourceBranchIds: ['b-2'], into: { branchId: 'b-1' }, ...why('sáp nhập bản', '2025-08-01') });
    expect(merged.status === 201 ? 201 : merged.raw).toBe(201);
    await gw.syncPersonnel();
    expect((await admin.get('/members/m-merged')).body.branchId).toBe('b-1');
    const early = await refusedUnchanged(gw, 422, () => admin.post('/members/m-merged/status-changes', { status: 'away-work', ...why('đi làm ăn xa', '2025-06-01') }));
    expect([early.body.rule, early.body.detail]).toEqual(['member-holds-post', expect.stringContaining('secretary of branch b-2 until 2025-08-01 on 2025-06-01')]);
    const before = await gw.heads();
    const batch = await admin.post('/status-change-batches', { changes: [{ memberId: 'm-merged', status: 'away-study', effectiveDate: '2025-05-01' }], ...why('rà soát đoàn viên') });
    expect(JSON.stringify(batch.body)).toContain('member-holds-post');
    expect(await gw.heads()).toBe(before);
    const afterTheMerger = await admin.post('/members/m-merged/status-changes', { status: 'away-work', ...why('đi làm ăn xa', '2025-08-01') });
    expect(afterTheMerger.status === 201 ? 201 : afterTheMerger.raw).toBe(201);
  });
});
