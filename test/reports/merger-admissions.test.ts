import { Gateway, startSeeded, why } from '../gateway/gateway-app';

jest.setTimeout(120_000);

/**
 * The year's admissions stay the year's when their branches merge (a black-box probe, distributed:
 * after two hamlets merged into a new branch, the commune still counted its 6 admissions of the year,
 * and its province and the centre counted 0 while their member totals were unchanged).
 */
describe("a summary's admissions of the year after a branch merger, at every level (embedded)", () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  const post = async (path: string, body: unknown) => {
    const r = await admin.post(path, body);
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${r.raw}`);
    return r;
  };
  const admitted = async (unitId: string) => {
    const r = await admin.get(`/reports/units/${unitId}/summary?year=2026&minPosition=${await gw.minPositions()}`);
    expect(r.status).toBe(200);
    return [r.body.members.total, r.body.members.admittedInYear];
  };

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await post('/units', { id: 'p-9', kind: 'province', name: 'Tỉnh đoàn Hà Giang', parentId: 'tw', ...why('thành lập', '2025-01-01') });
    await post('/units', { id: 'c-1', kind: 'grassroots', name: 'Đoàn xã Minh Khương', parentId: 'p-9', ...why('thành lập', '2025-01-01') });
    for (const [id, name] of [['k-1', 'Thôn Nà Pồng'], ['k-2', 'Thôn Khuổi Hon']]) await post('/branches', { id, parentUnitId: 'c-1', name: `Chi đoàn ${name}`, area: { kind: 'hamlet', name }, ...why('thành lập', '2025-01-01') });
    await gw.syncPersonnel();
    const members = ['k-1', 'k-2'].flatMap((branchId) => ['Huong', 'Sanh', 'Phu'].map((given) => ({ id: `m-${branchId}-${given}`, branchId, fullName: `Hoàng Thị ${given} ${branchId}`, dateOfBirth: '2001-04-02', gender: 'female', admittedOn: '2026-03-26' })));
    await post('/admission-batches', { members, ...why('kết nạp', '2026-03-26') });
    await gw.syncPersonnel();
  });
  afterAll(() => gw?.close());

  it('counts them in the commune, the province and the centre, before and after the merger', async () => {
    const before = [await admitted('c-1'), await admitted('p-9'), await admitted('tw')];
    expect(before.map(([, inYear]) => inYear)).toEqual([6, 6, 6]);
    await post('/branch-mergers', { sourceBranchIds: ['k-1', 'k-2'], into: { id: 'k-12', name: 'Chi đoàn thôn Nà Pồng mới', area: { kind: 'hamlet', name: 'Nà Pồng mới' }, parentUnitId: 'c-1' }, reason: 'sáp nhập thôn' });
    await gw.syncPersonnel();
    const after = [await admitted('c-1'), await admitted('p-9'), await admitted('tw')];
    expect(after).toEqual(before);
  });
});
