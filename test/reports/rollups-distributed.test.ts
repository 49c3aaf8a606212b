import { SummaryRollupRefresher } from '../../services/gateway/src/reports/summary/summary-rollup.refresher';
import { Distributed } from '../gateway/distributed-app';
import { why } from '../gateway/gateway-app';
import { startReportingCluster } from './reporting-cluster';
import { buildQuyChau2020, expectedSummary2020, Membership, reorganise2025, Setup, summaryAt } from './quy-chau-summary-scenario';
import { expectEveryRollupLive, positionsOf, untilRefreshed } from './rollup-checks';

jest.setTimeout(1_200_000);

const SIZE: Membership = { members: 300, admittedIn2020: 100 };

/** The stored year-end summaries distributed: the reporting read model and its rollups on FerretDB, in the gateway's own database. */
describe('summary rollups (distributed, FerretDB): Quỳ Châu', () => {
  let d: Distributed;
  let admin: Awaited<ReturnType<Setup['as']>>;
  let today: string;
  let heads: () => Promise<string>;

  beforeAll(async () => {
    process.env.REPORT_ROLLUPS_EVERY_MS = '100';
    let setup: Setup;
    let evaluationSync: () => Promise<void>;
    ({ d, admin, setup, heads, evaluationSync } = await startReportingCluster('test-internal-secret-rollups-0123456'));
    // Refreshing every 100 ms while some 400 commands are set up would rewrite every rollup at each
    // tick: the first refresh after the setup makes them all, as the tests ask.
    const refresher = d.gateway.get(SummaryRollupRefresher);
    await refresher.stop();
    await buildQuyChau2020(setup, admin, 'na', SIZE);
    await evaluationSync();
    refresher.start();
    today = (await untilRefreshed(d.gateway, positionsOf(await heads()))).today;
  });
  afterAll(async () => {
    await d?.close();
    delete process.env.REPORT_ROLLUPS_EVERY_MS;
  });

  it('after a refresh, every unit\'s rollup for every year equals the live summary', async () => {
    expect(await expectEveryRollupLive(d.gateway, today)).toBeGreaterThan(0);
    expect(await d.gateway.get(SummaryRollupRefresher).rollups.read('qc', 2020, '2020-12-31')).toMatchObject({ unitId: 'qc', year: 2020, asOf: '2020-12-31', ...expectedSummary2020(SIZE) });
  });

  it('GET summary answers the rollup; a minPosition beyond it answers live; the next refresh reflects the write', async () => {
    const refresher = d.gateway.get(SummaryRollupRefresher);
    const r = await admin.get('/reports/units/qc/summary?year=2020');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ...(await refresher.rollups.read('qc', 2020, '2020-12-31')) });
    await refresher.stop();
    const year = Number(today.slice(0, 4));
    let position: number;
    let before: number;
    try {
      const admitted = await admin.post('/members', { id: 'qc-late', branchId: 'qc-x3-b1', fullName: 'Lò Văn Muộn', dateOfBirth: '2004-05-19', gender: 'male', admittedOn: today, ...why('kết nạp đoàn viên', today) });
      expect(admitted.status).toBe(201);
      position = admitted.body.position;
      const stored = await admin.get(`/reports/units/qc-x3/summary?year=${year}`);
      const fresh = await summaryAt(admin, `/reports/units/qc-x3/summary?year=${year}&minPosition=personnel:${position}`);
      expect(stored.body.positions.personnel).toBeLessThan(position);
      expect(fresh.body.positions.personnel).toBeGreaterThanOrEqual(position);
      before = stored.body.members.total;
      expect(fresh.body.members.total).toBe(before + 1);
    } finally {
      refresher.start();
    }
    await untilRefreshed(d.gateway, positionsOf(await heads()));
    const after = await admin.get(`/reports/units/qc-x3/summary?year=${year}&minPosition=personnel:${position}`);
    expect(after.body).toEqual(await refresher.rollups.read('qc-x3', year, today));
    expect(after.body.members.total).toBe(before + 1);
  });

  it('after the 2025 reform, the next refresh: every rollup equals the live summary again', async () => {
    await reorganise2025(admin);
    await untilRefreshed(d.gateway, positionsOf(await heads()));
    expect(await expectEveryRollupLive(d.gateway, today)).toBeGreaterThan(0);
    const refresher = d.gateway.get(SummaryRollupRefresher);
    expect(await refresher.rollups.read('qc', 2025, '2025-12-31')).toBeUndefined();
    expect(await refresher.rollups.read('qc', 2020, '2020-12-31')).toMatchObject(expectedSummary2020(SIZE));
    // Nghệ An also holds the seeded Quế Phong district's 3 branches, without members or secretaries.
    expect((await refresher.rollups.read('na', 2025, '2025-12-31'))?.branches).toEqual({ total: 84 + 3, residential: 84 + 3, withoutSecretary: 3, withoutMembers: 3 });
  });
});
