import { Gateway, startSeeded, why } from '../gateway/gateway-app';

/**
 * The officers' reports of one unit's subtree (`unitId`): a probe found them only for the whole
 * register, so that a district could not see its own secretaries' sources.
 */
describe('personnel reports of a unit (embedded)', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;

  beforeAll(async () => {
    ({ gw, admin } = await startSeeded());
    await gw.syncPersonnel();
    for (const [id, branchId, source] of [['r-1', 'b-1', 'teacher'], ['r-3', 'b-3', 'militia']]) {
      const admitted = await admin.post('/members', { id, branchId, fullName: `Lò Văn ${id === 'r-1' ? 'Một' : 'Ba'}`, dateOfBirth: '2000-03-01', gender: 'male', admittedOn: '2025-01-02', reason: 'kết nạp' });
      expect(admitted.status === 201 ? 201 : admitted.raw).toBe(201);
      const appointed = await admin.post(`/branches/${branchId}/officer-appointments`, { memberId: id, role: 'secretary', method: 'appointed', source, startsOn: '2025-02-01', ...why('chỉ định') });
      expect(appointed.status === 201 ? 201 : appointed.raw).toBe(201);
    }
  });

  afterAll(async () => {
    await gw?.close();
  });

  const fresh = async (path: string) => {
    const r = await admin.get(`${path}${path.includes('?') ? '&' : '?'}minPosition=${await gw.personnelStore.headPosition()}`);
    expect(r.status === 200 ? 200 : r.raw).toBe(200);
    return r.body;
  };

  it("gives the vacancies and the secretaries' sources of the unit's branches, the whole register's without unitId", async () => {
    expect((await fresh('/personnel-reports/vacancies?unitId=xa-1')).items.map((v: { branchId: string }) => v.branchId)).toEqual(['b-2']);
    expect((await fresh('/personnel-reports/vacancies')).items.map((v: { branchId: string }) => v.branchId).sort()).toEqual(['b-2', 'b-9']);
    expect((await fresh('/personnel-reports/secretaries-by-source?unitId=xa-1')).counts).toMatchObject({ teacher: 1, militia: 0 });
    expect((await fresh('/personnel-reports/secretaries-by-source?unitId=qp')).counts).toMatchObject({ teacher: 1, militia: 1 });
    expect((await fresh('/personnel-reports/secretaries-by-source')).counts).toMatchObject({ teacher: 1, militia: 1 });
  });

  it('answers 404 for a unit it does not know', async () => {
    expect((await admin.get('/personnel-reports/vacancies?unitId=nowhere')).status).toBe(404);
  });
});
