import { RecordedEvent } from '@register/event-sourcing';
import { liveTarget, MemoryReadStore, ProjectionQueries, ProjectionRunner } from '@register/read-models';
import { Clock } from '@register/service-kit';
import { arrayLog, recordedAt } from '../../libs/read-models/src/spec-log';
import { REPORTED_SERVICES, REPORTING_PROJECTIONS, ReportedService, reportingStore } from '../../services/gateway/src/reports/summary/reporting-projections';
import { ReportingReadModel } from '../../services/gateway/src/reports/summary/reporting-read-model';
import { SummaryRollupRefresher } from '../../services/gateway/src/reports/summary/summary-rollup.refresher';

const TODAY = '2026-12-03';

/**
 * Two gateway instances on one reporting store: A's runners write the reporting projections, B's
 * stand by (their positions move only when B is asked to wait for one), and B holds the rollups'
 * lease. B's refresher must still see the projections move, or its rollups stay as they were.
 */
describe('summary rollups: a refresher whose reporting runners stand by', () => {
  const store = reportingStore(new MemoryReadStore());
  const logs = Object.fromEntries(REPORTED_SERVICES.map((s) => [s, [] as RecordedEvent[]])) as Record<ReportedService, RecordedEvent[]>;
  const runners = (owner: string) =>
    Object.fromEntries(REPORTED_SERVICES.map((s) => [s, new ProjectionRunner(arrayLog(logs[s]), store, REPORTING_PROJECTIONS[s], { owner, leaseMs: 600_000 })])) as Record<ReportedService, ProjectionRunner>;
  const a = runners('a');
  const b = runners('b');
  /** B's reporting read model, as ReportingReadModel presents it to the refresher. */
  const reportingB = {
    store,
    of: async (s: ReportedService) => new ProjectionQueries(REPORTING_PROJECTIONS[s], store, liveTarget(REPORTING_PROJECTIONS[s]), b[s]),
    positions: () => Object.fromEntries(REPORTED_SERVICES.map((s) => [s, b[s].position])),
    runner: (s: ReportedService) => b[s],
  } as unknown as ReportingReadModel;
  const refresher = new SummaryRollupRefresher(reportingB, { today: () => TODAY } as Clock);
  const writeA = () => Promise.all(REPORTED_SERVICES.map((s) => a[s].runOnce(undefined, true)));
  const established = (position: number, unitId: string, parentId: string | null, day: string) =>
    recordedAt(position, 'UnitEstablished', { unitId, kind: parentId ? 'district' : 'province', parentId, name: unitId }, day);

  afterAll(async () => {
    await Promise.all(REPORTED_SERVICES.map((s) => b[s].stop()));
    await refresher.stop();
  });

  it('refreshes when the writing instance moved the projections on', async () => {
    logs.organisation.push(established(1, 'p', null, '2020-01-01'));
    await writeA();
    REPORTED_SERVICES.forEach((s) => b[s].start());
    for (let i = 0; i < 200 && REPORTED_SERVICES.some((s) => b[s].status !== 'standby'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(REPORTED_SERVICES.map((s) => b[s].status)).toEqual(REPORTED_SERVICES.map(() => 'standby'));

    await refresher.tick();
    expect(refresher.error).toBeUndefined();
    expect(await refresher.rollups.read('p', 2026, TODAY)).toMatchObject({ unitId: 'p', year: 2026, asOf: TODAY });

    // A writes a new district; nobody asks B for a minPosition
    logs.organisation.push(established(2, 'd', 'p', '2026-06-01'));
    await writeA();
    await refresher.tick();
    expect(refresher.error).toBeUndefined();
    expect(await refresher.rollups.read('d', 2026, TODAY)).toMatchObject({ unitId: 'd', year: 2026, asOf: TODAY, positions: { organisation: 2 } });
  });
});
