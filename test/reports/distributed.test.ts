import { rebuildShadowDiff } from '@register/read-models';
import { ReportingReadModel } from '../../services/gateway/src/reports/summary/reporting-read-model';
import { REPORTED_SERVICES, REPORTING_PROJECTIONS } from '../../services/gateway/src/reports/summary/reporting-projections';
import { Distributed } from '../gateway/distributed-app';
import { startReportingCluster } from './reporting-cluster';
import { buildQuyChau2020, expectedSummary2020, Membership, reorganise2025, Setup, summaryAt } from './quy-chau-summary-scenario';

jest.setTimeout(1_200_000);
/** Fewer members than the acceptance's 3,100 (summary.test.ts holds those): the subject here is the distributed set, and each admission crosses it. */
const SIZE: Membership = { members: 600, admittedIn2020: 200 };

/**
 * The summary distributed: organisation, personnel, training, evaluation and the gateway as apps
 * on their own ports, the logs on PostgreSQL, the reporting read model on FerretDB in the
 * gateway's own database, fed from each service's log through the service's internal endpoint.
 * The services' replicas are handed each other's events from the logs, as their consumers would.
 */
describe('the unit summary (distributed, PostgreSQL + FerretDB): Quỳ Châu 2020 through the gateway', () => {
  let d: Distributed;
  let admin: Awaited<ReturnType<Setup['as']>>;
  let positions: () => Promise<string>;

  beforeAll(async () => {
    let setup: Setup;
    ({ d, admin, setup, heads: positions } = await startReportingCluster('test-internal-secret-reports-0123456'));
    await buildQuyChau2020(setup, admin, 'na', SIZE);
  });
  afterAll(async () => d?.close());

  it('answers exactly the year\'s figures at the positions asked', async () => {
    const waitFor = await positions();
    const r = await summaryAt(admin, `/reports/units/qc/summary?year=2020&minPosition=${waitFor}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ unitId: 'qc', year: 2020, asOf: '2020-12-31', ...expectedSummary2020(SIZE) });
  });

  it('a shadow rebuild of each reporting projection on FerretDB reports 0 differences', async () => {
    const reporting = d.gateway.get(ReportingReadModel);
    for (const service of REPORTED_SERVICES) {
      const runner = reporting.runner(service)!;
      expect(await runner.waitFor(await runner.source.headPosition(), 60_000)).toBe(true);
      const report = await rebuildShadowDiff(runner.source, reporting.store!, REPORTING_PROJECTIONS[service]);
      console.log(`shadow diff (reporting, FerretDB) ${report.projection}: ${report.events} events, ${report.diff?.differences} differences`, report.diff?.differences ? JSON.stringify(report.diff.collections) : '');
      expect(report.diff?.differences).toBe(0);
      // the projection's own field of the shared branch documents was rebuilt and compared
      expect(report.documents.branches).toBeGreaterThan(0);
    }
  });

  it('after the 2025 reform: 2020 on the district answers the same; 2025 on the province counts the moved communes', async () => {
    const beforeReform = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await reorganise2025(admin);
    const waitFor = await positions();
    expect((await summaryAt(admin, `/reports/units/qc/summary?year=2020&minPosition=${waitFor}`)).body).toMatchObject(expectedSummary2020(SIZE));
    const r = await summaryAt(admin, `/reports/units/na/summary?year=2025&minPosition=${waitFor}`);
    // Nghệ An also holds the seeded Quế Phong district's 3 branches, without members or secretaries.
    expect(r.body.branches).toEqual({ total: 84 + 3, residential: 84 + 3, withoutSecretary: 3, withoutMembers: 3 });
    expect(r.body.members.total).toBe(SIZE.members);
    // as recorded before the reform (knownAt): the logs replayed through the services' internal endpoints up to then
    const knownAt = encodeURIComponent(beforeReform);
    const merged = await summaryAt(admin, `/reports/units/qc-x1/summary?year=2025&minPosition=${waitFor}`);
    const asKnown = await summaryAt(admin, `/reports/units/qc-x1/summary?year=2025&knownAt=${knownAt}`);
    expect([merged.body.branches.total, asKnown.body.branches.total, asKnown.body.knownAt]).toEqual([14, 7, beforeReform]);
    expect((await summaryAt(admin, `/reports/units/qc/summary?year=2020&knownAt=${knownAt}`)).body).toMatchObject(expectedSummary2020(SIZE));
  });
});
