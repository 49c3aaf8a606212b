import { Gateway, startSeeded, why } from '../gateway/gateway-app';

jest.setTimeout(120_000);

/**
 * A member who went away before a branch merger recorded already (embedded, through HTTP). The
 * merger moved them from b-3 (commune xa-2) into b-1 (commune xa-1) on 1 March; their going away,
 * recorded after it, is dated 10 February. They were xa-2's member away until the merger's day and
 * xa-1's after it; a black-box probe found the summary counting them away in xa-1 from February.
 */
describe('the summary places a going away dated before a merger recorded already where the member was (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  let position = 0;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    const admitted = await admin.post('/members', { id: 'm-away', branchId: 'b-3', fullName: 'Vi Thị Hằng', dateOfBirth: '2001-05-10', gender: 'female', admittedOn: '2024-02-01', ...why('kết nạp', '2024-02-01') });
    expect([admitted.status, admitted.body.detail]).toEqual([201, undefined]);
    const merged = await admin.post('/branch-mergers', { sourceBranchIds: ['b-3'], into: { branchId: 'b-1' }, ...why('sáp nhập bản', '2025-03-01') });
    expect([merged.status, merged.body.detail]).toEqual([201, undefined]);
    await gw.syncPersonnel();
    const away = await admin.post('/members/m-away/status-changes', { status: 'away-work', ...why('đi làm ăn xa', '2025-02-10') });
    expect([away.status, away.body.detail]).toEqual([201, undefined]);
    position = away.body.position;
  });
  afterAll(() => gw?.close());

  const away = async (unitId: string, asOf: string) => {
    const r = await admin.get(`/reports/units/${unitId}/summary?year=2025&asOf=${asOf}&minPosition=personnel:${position}`);
    expect(r.status === 200 ? 200 : r.raw).toBe(200);
    return [r.body.members.total, r.body.members.away];
  };

  it('counts them away in the commune they were in on each day', async () => {
    expect([await away('xa-2', '2025-02-20'), await away('xa-1', '2025-02-20')]).toEqual([[1, 1], [0, 0]]);
    expect([await away('xa-2', '2025-03-01'), await away('xa-1', '2025-03-01')]).toEqual([[0, 0], [1, 1]]);
  });

  it('agrees with the member lists of those days', async () => {
    const list = async (unitId: string, asOf: string) => (await admin.get(`/members?unitId=${unitId}&asOf=${asOf}&status=away-work`)).body.items.map((m: { id: string }) => m.id);
    expect([await list('xa-2', '2025-02-20'), await list('xa-1', '2025-02-20'), await list('xa-1', '2025-03-01')]).toEqual([['m-away'], [], ['m-away']]);
  });
});
