import { Gateway, refusedUnchanged, startSeeded, why } from '../gateway/gateway-app';

jest.setTimeout(120_000);

/**
 * A member's leaving dated before a branch merger recorded already (embedded, through HTTP). The
 * merger moved them into its successor; a probe then recorded their leaving, dated before it: the
 * register kept them, left, in the successor, a branch never theirs, and the summary miscounted.
 * Until the fold can take such a move back, the leaving is refused, naming the merger.
 */
describe('a leaving dated before a branch merger recorded already (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    for (const [id, branchId] of [['m-a', 'b-1'], ['m-b', 'b-2']]) {
      const r = await admin.post('/members', { id, branchId, fullName: `Lò Văn ${id}`, dateOfBirth: '2001-05-10', gender: 'male', admittedOn: '2024-02-01', ...why('kết nạp', '2024-02-01') });
      expect([r.status, r.body.detail]).toEqual([201, undefined]);
    }
    const merged = await admin.post('/branch-mergers', { sourceBranchIds: ['b-1', 'b-2'], into: { name: 'Chi đoàn bản Mường Phú Pục', area: { kind: 'village', name: 'Mường Phú Pục' } }, ...why('sáp nhập bản', '2025-03-01') });
    expect([merged.status, merged.body.detail]).toEqual([201, undefined]);
    await gw.syncPersonnel();
  });
  afterAll(() => gw?.close());

  it('refuses the leaving dated before the merger (422 dated-before-last-transfer, naming it) and changes nothing; dated on its day or after, it stands', async () => {
    const moved = (await admin.get('/members/m-a')).body.branchId;
    expect(moved).not.toBe('b-1');
    const early = await refusedUnchanged(gw, 422, () => admin.post('/members/m-a/status-changes', { status: 'left', ...why('chuyển đi nơi khác', '2025-02-10') }));
    expect([early.body.rule, early.body.detail]).toEqual(['dated-before-last-transfer', expect.stringContaining('by a merger')]);
    expect((await admin.post('/members/m-a/status-changes', { status: 'left', ...why('chuyển đi nơi khác', '2025-03-01') })).status).toBe(201);
    // A transfer dated before it is refused as before, its detail naming the merger that moved them.
    const transfer = await refusedUnchanged(gw, 422, () => admin.post('/members/m-b/transfers', { toBranchId: 'b-3', duesSettledUpTo: '2025-02-28', ...why('chuyển sinh hoạt', '2025-02-10') }));
    expect([transfer.body.rule, transfer.body.detail]).toEqual(['dated-before-last-transfer', expect.stringContaining('moved there by a merger')]);
    // Going away before it is still taken: an absent member is moved with their branch.
    expect((await admin.post('/members/m-b/status-changes', { status: 'away-work', ...why('đi làm ăn xa', '2025-02-10') })).status).toBe(201);
  });
});
