import { Gateway, startSeeded, why } from '../gateway/gateway-app';

jest.setTimeout(120_000);

/**
 * A merger of two branches, recorded after members moved from one to the other (embedded, through
 * HTTP). A re-probe found such members left, active, in the closed branch: planned twice (a former
 * member of the first source, a member of the second), the second command ran under the first's id
 * and was taken for a redelivery.
 */
describe('a merger of two branches a member moved between (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  let successor = '';
  let position = 0;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    const ok = async (path: string, body: Record<string, unknown>) => {
      const r = await admin.post(path, body);
      if (r.status >= 300) throw new Error(`${path}: ${r.status} ${r.raw}`);
      return r.body;
    };
    for (const id of ['m-early', 'm-late', 'm-stay']) await ok('/members', { id, branchId: 'b-1', fullName: `Lò Văn ${id.slice(2)}`, dateOfBirth: '2001-05-10', gender: 'male', admittedOn: '2024-02-01', ...why('kết nạp', '2024-02-01') });
    // One moves to b-2 before the merger's day, one after it; both recorded before the merger.
    await ok('/members/m-early/transfers', { toBranchId: 'b-2', duesSettledUpTo: '2025-02-01', ...why('chuyển sinh hoạt', '2025-02-01') });
    await ok('/members/m-late/transfers', { toBranchId: 'b-2', duesSettledUpTo: '2025-04-01', ...why('chuyển sinh hoạt', '2025-04-01') });
    const merged = await ok('/branch-mergers', { sourceBranchIds: ['b-1', 'b-2'], into: { name: 'Chi đoàn bản Mường Phú Pục', area: { kind: 'village', name: 'Mường Phú Pục' } }, ...why('sáp nhập bản', '2025-03-01') });
    successor = merged.id;
    await gw.syncPersonnel();
    position = await gw.personnelStore.headPosition();
  });
  afterAll(() => gw?.close());

  it('moves every member of both sources into the successor: on the merger\'s day, or on their arrival after it', async () => {
    const branchOf = async (id: string, asOf?: string) => (await admin.get(`/members/${id}?minPosition=${position}${asOf ? `&asOf=${asOf}` : ''}`)).body.branchId;
    expect([await branchOf('m-early'), await branchOf('m-late'), await branchOf('m-stay')]).toEqual([successor, successor, successor]);
    // The one who arrived in b-2 after the merger's day was the successor's from its day (moved for the days between), and stays so.
    expect([await branchOf('m-early', '2025-02-15'), await branchOf('m-late', '2025-03-15'), await branchOf('m-late', '2025-04-02')]).toEqual(['b-2', successor, successor]);
    const active = async (branchId: string) => (await admin.get(`/members?branchId=${branchId}&status=active&minPosition=${position}`)).body.items.length;
    expect([await active('b-1'), await active('b-2'), await active(successor)]).toEqual([0, 0, 3]);
  });
});
