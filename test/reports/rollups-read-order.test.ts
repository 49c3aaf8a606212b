import { RecordedEvent } from '@register/event-sourcing';
import { liveTarget, MemoryReadStore, ProjectionQueries, ProjectionRunner, ReadStore } from '@register/read-models';
import { Clock } from '@register/service-kit';
import { arrayLog, recordedAt } from '../../libs/read-models/src/spec-log';
import { REPORTED_SERVICES, REPORTING_PROJECTIONS, ReportedService, reportingStore } from '../../services/gateway/src/reports/summary/reporting-projections';
import { ReportingReadModel } from '../../services/gateway/src/reports/summary/reporting-read-model';
import { SummaryRollupRefresher } from '../../services/gateway/src/reports/summary/summary-rollup.refresher';
import { REFRESHED } from '../../services/gateway/src/reports/summary/summary-rollups.store';

const TODAY = '2026-12-03';

/**
 * A rollup answer reads its document and the `refreshed` note; on FerretDB two finds in flight may
 * be served in either order. A note served after a refresh that the document's read came before
 * must not lend that document the refresh's positions: a caller's minPosition would then accept a
 * summary without its write.
 */
describe('summary rollups: the positions of an answer read across a refresh', () => {
  const store = reportingStore(new MemoryReadStore());
  /** While set, the reads of the `refreshed` note are served only once it resolves. */
  let held: Promise<void> | undefined;
  const slowNote = new Proxy(store, {
    get: (target, key) =>
      key === 'findOne'
        ? async (collection: string, filter: { _id: string }) => {
            if (filter._id === REFRESHED && held) await held;
            return target.findOne(collection, filter);
          }
        : (target as unknown as Record<string | symbol, unknown>)[key],
  }) as unknown as ReadStore;
  const logs = Object.fromEntries(REPORTED_SERVICES.map((s) => [s, [] as RecordedEvent[]])) as Record<ReportedService, RecordedEvent[]>;
  const runners = Object.fromEntries(REPORTED_SERVICES.map((s) => [s, new ProjectionRunner(arrayLog(logs[s]), store, REPORTING_PROJECTIONS[s], { owner: 'a', leaseMs: 600_000 })])) as Record<ReportedService, ProjectionRunner>;
  const reporting = {
    store: slowNote,
    of: async (s: ReportedService) => new ProjectionQueries(REPORTING_PROJECTIONS[s], store, liveTarget(REPORTING_PROJECTIONS[s]), runners[s]),
    positions: () => Object.fromEntries(REPORTED_SERVICES.map((s) => [s, runners[s].position])),
    runner: () => undefined,
  } as unknown as ReportingReadModel;
  const refresher = new SummaryRollupRefresher(reporting, { today: () => TODAY } as Clock);
  const project = () => Promise.all(REPORTED_SERVICES.map((s) => runners[s].runOnce(undefined, true)));

  afterAll(() => refresher.stop());

  it('an answer whose document was read before a refresh names the positions before it', async () => {
    logs.organisation.push(
      recordedAt(1, 'UnitEstablished', { unitId: 'p', kind: 'province', parentId: null, name: 'p' }, '2020-01-01'),
      recordedAt(2, 'UnitEstablished', { unitId: 'd', kind: 'district', parentId: 'p', name: 'd' }, '2020-01-01'),
      recordedAt(3, 'BranchEstablished', { branchId: 'b', parentUnitId: 'd', name: 'b', area: { kind: 'village', name: 'v' } }, '2020-01-01'),
    );
    await project();
    await refresher.tick();

    let release!: () => void;
    held = new Promise((resolve) => (release = resolve));
    const answer = refresher.rollups.read('p', 2026, TODAY); // the document is read now, the note held back
    held = undefined;
    logs.organisation.push(recordedAt(4, 'BranchDissolved', { branchId: 'b' }, '2026-06-01'));
    await project();
    await refresher.tick();
    expect(refresher.last?.positions.organisation).toBe(4);
    release();

    const before = await answer;
    expect(before).toMatchObject({ branches: { total: 1 }, positions: { organisation: 3 } });
    expect(await refresher.rollups.read('p', 2026, TODAY)).toMatchObject({ branches: { total: 0 }, positions: { organisation: 4 } });
  });
});
