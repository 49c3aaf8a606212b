import { INestApplicationContext } from '@nestjs/common';
import { rebuildShadowDiff } from '@register/read-models';
import { ReportingReadModel } from '../../services/gateway/src/reports/summary/reporting-read-model';
import { REPORTED_SERVICES, REPORTING_PROJECTIONS } from '../../services/gateway/src/reports/summary/reporting-projections';

/**
 * A shadow rebuild of each reporting projection from its service's log, diffed against the live
 * copy: events, differences and the rebuilt documents per collection of each. A projection's
 * `branches` is its own field of the shared branch documents, so each diff compares that field.
 */
export async function reportingShadowDiffs(app: INestApplicationContext) {
  const reporting = app.get(ReportingReadModel);
  const reports = await Promise.all(
    REPORTED_SERVICES.map(async (service) => {
      const runner = reporting.runner(service)!;
      if (!(await runner.waitFor(await runner.source.headPosition(), 30_000))) throw new Error(`the reporting read model did not catch up with ${service}`);
      return rebuildShadowDiff(runner.source, reporting.store!, REPORTING_PROJECTIONS[service]);
    }),
  );
  return Object.fromEntries(reports.map((r) => [r.projection, { events: r.events, differences: r.diff?.differences, documents: r.documents }]));
}
