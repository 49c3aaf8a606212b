import { Gateway, startGateway, why } from '../gateway/gateway-app';
import { SummaryRollupRefresher } from '../../services/gateway/src/reports/summary/summary-rollup.refresher';
import { SummaryReadModel } from '../../services/gateway/src/reports/summary/summary.read-model';
import { buildQuyChau2020, expectedSummary2020, Membership, reorganise2025, Setup } from './quy-chau-summary-scenario';
import { expectEveryRollupLive, positionsOf, untilRefreshed } from './rollup-checks';

jest.setTimeout(600_000);

/** Fewer members than the acceptance's 3,100: the rollups' subject is the structure and the years, not the volume. */
const SIZE: Membership = { members: 300, admittedIn2020: 100 };

/** The stored year-end summaries (embedded, memory read store): equal to the live answers, kept current, passed over for a newer minPosition. */
describe('summary rollups (embedded, memory store): Quỳ Châu', () => {
  let gw: Gateway;
  let admin: ReturnType<Gateway['api']>;
  let today: string;
  const heads = async () =>
    gw.minPositions();

  beforeAll(async () => {
    process.env.REPORT_ROLLUPS_EVERY_MS = '100';
    gw = await startGateway();
    admin = gw.api(await gw.bearer({ sub: 'admin', roles: ['central-admin'] }));
    const setup: Setup = { as: async (o) => gw.api(await gw.bearer(o)), heads: gw.heads, sync: async () => { await gw.syncTraining(); await gw.syncEvaluation(); } };
    await buildQuyChau2020(setup, admin, null, SIZE);
    today = (await untilRefreshed(gw.app, positionsOf(await heads()))).today;
  });
  afterAll(async () => {
    await gw?.close();
    delete process.env.REPORT_ROLLUPS_EVERY_MS;
  });

  it('after a refresh, every unit\'s rollup for every year equals the live summary', async () => {
    const compared = await expectEveryRollupLive(gw.app, today);
    // tw, na, qc and 12 communes, 2015 to this year
    expect(compared).toBe(15 * (Number(today.slice(0, 4)) - 2015 + 1));
    const qc = await gw.app.get(SummaryRollupRefresher).rollups.read('qc', 2020, '2020-12-31');
    expect(qc).toMatchObject({ unitId: 'qc', year: 2020, asOf: '2020-12-31', ...expectedSummary2020(SIZE) });
  });

  it('GET summary answers the rollup with the positions it reflects; a minPosition beyond them answers live', async () => {
    const refresher = gw.app.get(SummaryRollupRefresher);
    const r = await admin.get('/reports/units/qc/summary?year=2020');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ...(await refresher.rollups.read('qc', 2020, '2020-12-31')) });
    await refresher.stop();
    try {
      const admitted = await admin.post('/members', { id: 'qc-late', branchId: 'qc-x3-b1', fullName: 'Lò Văn Muộn', dateOfBirth: '2004-05-19', gender: 'male', admittedOn: today, ...why('kết nạp đoàn viên', today) });
      expect(admitted.status).toBe(201);
      const year = Number(today.slice(0, 4));
      const stored = await admin.get(`/reports/units/qc-x3/summary?year=${year}`);
      const fresh = await admin.get(`/reports/units/qc-x3/summary?year=${year}&minPosition=personnel:${admitted.body.position}`);
      expect(stored.body.positions.personnel).toBeLessThan(admitted.body.position);
      expect(fresh.body.positions.personnel).toBeGreaterThanOrEqual(admitted.body.position);
      expect(fresh.body.members.total).toBe(stored.body.members.total + 1);
      expect(fresh.body.members.admittedInYear).toBe(stored.body.members.admittedInYear + 1);
    } finally {
      refresher.start();
    }
  });

  it('rollups left behind (their refresher stopped, as when a service it waits for is away): past REPORT_ROLLUPS_STALE_MS the summary is computed live', async () => {
    const refresher = gw.app.get(SummaryRollupRefresher);
    await refresher.stop();
    try {
      const year = Number(today.slice(0, 4));
      const reads = gw.app.get(SummaryReadModel);
      const before = { body: await reads.live('qc-x3', year, `${year}-12-31`, { personnel: await gw.personnelStore.headPosition() }) };
      const admitted = await admin.post('/members', { id: 'qc-stale', branchId: 'qc-x3-b1', fullName: 'Lò Văn Chậm', dateOfBirth: '2004-06-19', gender: 'male', admittedOn: today, ...why('kết nạp đoàn viên', today) });
      expect(admitted.status).toBe(201);
      await reads.live('qc-x3', year, `${year}-12-31`, { personnel: admitted.body.position }); // the reporting projection has the admission
      process.env.REPORT_ROLLUPS_STALE_MS = '0';
      const after = await admin.get(`/reports/units/qc-x3/summary?year=${year}`);
      expect([after.body.members.total, after.body.positions.personnel >= admitted.body.position]).toEqual([before.body.members.total + 1, true]);
    } finally {
      delete process.env.REPORT_ROLLUPS_STALE_MS;
      refresher.start();
    }
  });

  describe('after the 2025 reform (district abolished, communes under the province, two communes merged)', () => {
    beforeAll(async () => {
      await reorganise2025(admin);
      await gw.syncEvaluation();
      await untilRefreshed(gw.app, positionsOf(await heads()));
    });

    it('the next refresh reflects the writes since the last: every rollup equals the live summary again', async () => {
      const compared = await expectEveryRollupLive(gw.app, today);
      expect(compared).toBeGreaterThan(0);
      const refresher = gw.app.get(SummaryRollupRefresher);
      const year = Number(today.slice(0, 4));
      // the two late admissions and the moved communes, from the rollups; the district has no 2025 any more
      expect((await admin.get(`/reports/units/na/summary?year=${year}`)).body.members.total).toBe(SIZE.members + 2);
      expect((await refresher.rollups.read('na', 2025, '2025-12-31'))?.branches.total).toBe(84);
      expect(await refresher.rollups.read('qc', 2025, '2025-12-31')).toBeUndefined();
      expect((await admin.get('/reports/units/qc/summary?year=2025')).status).toBe(404);
      expect(await refresher.rollups.read('qc', 2020, '2020-12-31')).toMatchObject(expectedSummary2020(SIZE));
    });
  });
});
