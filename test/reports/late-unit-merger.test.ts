/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read freely in tests */
import { Gateway, startSeeded, why } from '../gateway/gateway-app';

jest.setTimeout(120_000);

const treeBranches = (node: any): string[] => [...node.branches.map((b: { id: string }) => b.id), ...node.children.flatMap(treeBranches)].sort();

/**
 * Communes c-1 (k-1, k-2) and c-2 (k-3), in force from 2024; the hamlets k-1 and k-2 merge on
 * 1 September into a new k-12; then the communes' merger into c-12, dated 1 June, is recorded late. The
 * branches under c-1 on that day (k-1, k-2, closed since) and the one made under it since (k-12)
 * all come under c-12, and the summary counts every member once (a black-box probe found k-1 and
 * k-2 left under the closed commune, and k-12 dropped from the summary).
 */
describe('a commune merger recorded late, after a hamlet merger in one of its communes (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  const positions = () => gw.minPositions();
  const post = async (path: string, body: unknown) => {
    const r = await admin.post(path, body);
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${r.raw}`);
    return r;
  };

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await post('/units', { id: 'p-9', kind: 'province', name: 'Tỉnh đoàn Hà Giang', parentId: 'tw', ...why('thành lập', '2023-01-01') });
    for (const id of ['c-1', 'c-2']) await post('/units', { id, kind: 'grassroots', name: `Đoàn xã ${id === 'c-1' ? 'Minh Khương' : 'Phù Lưu'}`, parentId: 'p-9', ...why('thành lập', '2024-01-01') });
    for (const [id, parentUnitId, name] of [['k-1', 'c-1', 'Thôn Nà Pồng'], ['k-2', 'c-1', 'Thôn Khuổi Hon'], ['k-3', 'c-2', 'Thôn Bản Vàng']]) {
      await post('/branches', { id, parentUnitId, name: `Chi đoàn ${name}`, area: { kind: 'hamlet', name }, ...why('thành lập', '2024-01-01') });
    }
    await gw.syncPersonnel();
    let n = 0;
    for (const branchId of ['k-1', 'k-2', 'k-3']) {
      for (const given of ['Hương', 'Sành', 'Phú']) {
        n += 1;
        await post('/members', { id: `m-${n}`, branchId, fullName: `Hoàng Thị ${given} ${branchId.toUpperCase()}`, dateOfBirth: '2001-04-02', gender: 'female', admittedOn: '2024-02-01', ...why('kết nạp', '2024-02-01') });
      }
    }
    await gw.syncPersonnel();
    await gw.syncTraining();
    await post('/training-courses', { organiserUnitId: 'c-2', title: 'Lớp bồi dưỡng bí thư xã Phù Lưu', kind: 'skills', topics: [{ title: 'Kỹ năng' }], startsOn: '2024-03-10', endsOn: '2024-03-11', ...why('mở lớp') });
    await post('/branch-mergers', { sourceBranchIds: ['k-1', 'k-2'], into: { id: 'k-12', name: 'Chi đoàn thôn Nà Pồng mới', area: { kind: 'hamlet', name: 'Nà Pồng mới' }, parentUnitId: 'c-1' }, ...why('sáp nhập thôn', '2024-09-01') });
    await gw.syncPersonnel();
    await post('/unit-mergers', { sourceUnitIds: ['c-1', 'c-2'], into: { id: 'c-12', name: 'Đoàn xã Minh Khương mới', kind: 'grassroots', parentId: 'p-9' }, ...why('sáp nhập xã, ghi muộn', '2024-06-01') });
    await gw.syncPersonnel();
    await gw.syncTraining();
    await gw.syncEvaluation();
  });
  afterAll(() => gw?.close());

  it('places the branches under the successor from its day: those closed since, and the one made since', async () => {
    const ofSuccessor = async (asOf?: string) => {
      const r = await admin.get(`/units/c-12/tree${asOf ? `?asOf=${asOf}` : ''}`);
      expect(r.status).toBe(200);
      return treeBranches(r.body);
    };
    expect(await ofSuccessor('2024-07-01')).toEqual(['k-1', 'k-2', 'k-3']);
    expect(await ofSuccessor()).toEqual(expect.arrayContaining(['k-12', 'k-3']));
    const commune = await admin.get('/units/c-1/tree?asOf=2024-07-01&includeClosed=true');
    expect([commune.body.status, treeBranches(commune.body)]).toEqual(['merged', []]);
    const members = await admin.get('/members?unitId=c-12&asOf=2024-07-01&limit=500');
    expect(members.body.items).toHaveLength(9);
  });

  it('the summary counts every member and branch once, today and as of a day between the two mergers', async () => {
    const minPosition = await positions();
    const today = await admin.get(`/reports/units/c-12/summary?year=2024&minPosition=${minPosition}`);
    expect(today.status).toBe(200);
    expect({ branches: today.body.branches.total, members: today.body.members.total }).toEqual({ branches: 2, members: 9 });
    const between = await admin.get(`/reports/units/c-12/summary?year=2024&asOf=2024-07-01&minPosition=${minPosition}`);
    expect({ branches: between.body.branches.total, members: between.body.members.total }).toEqual({ branches: 3, members: 9 });
    const province = await admin.get(`/reports/units/p-9/summary?year=2024&minPosition=${minPosition}`);
    const listed = await admin.get('/members?unitId=p-9&limit=500');
    expect([province.body.members.total, listed.body.items.length]).toEqual([9, 9]);
    // c-2's course of March, counted where c-2 stood on its last day open (it was left out once c-2 closed)
    expect(province.body.training.courses).toBe(1);
  });

  it("training compliance answers the merged commune's year as its summary does: 404 after its merger, naming the day to ask", async () => {
    const training = `&minPosition=${await gw.trainingStore.headPosition()}`;
    const merged = await admin.get(`/training-compliance?unitId=c-1&year=2024${training}`);
    const summary = await admin.get(`/reports/units/c-1/summary?year=2024&minPosition=${await positions()}`);
    expect([merged.status, summary.status]).toEqual([404, 404]);
    expect(merged.body.detail).toContain('asOf=2024-05-31');
    const before = await admin.get(`/training-compliance?unitId=c-1&year=2024&asOf=2024-05-31${training}`);
    expect([before.status, before.body.branches]).toEqual([200, 2]);
    const notYet = await admin.get(`/training-compliance?unitId=c-12&year=2023&asOf=2023-12-31${training}`);
    expect([notYet.status, notYet.body.detail]).toEqual([404, expect.stringContaining('established on 2024-06-01')]);
  });
});
