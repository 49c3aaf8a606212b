import { INestApplicationContext } from '@nestjs/common';
import { NotFoundError } from '@register/event-sourcing';
import { REPORTED_SERVICES } from '../../services/gateway/src/reports/summary/reporting-projections';
import { ReportingReadModel } from '../../services/gateway/src/reports/summary/reporting-read-model';
import { UnitFactsDoc } from '../../services/gateway/src/reports/summary/structure-facts.projection';
import { SummaryReadModel } from '../../services/gateway/src/reports/summary/summary.read-model';
import { SummaryRollupRefresher } from '../../services/gateway/src/reports/summary/summary-rollup.refresher';
import { rollupDays } from '../../services/gateway/src/reports/summary/summary-rollups';

/** `organisation:1,personnel:2,…` as a record. */
export const positionsOf = (text: string): Record<string, number> => Object.fromEntries(text.split(',').map((p) => [p.split(':')[0], Number(p.split(':')[1])]));

/** Waits (polling, at most `boundMs`) until the refresher's last refresh read every service's log at least at `heads`. */
export async function untilRefreshed(app: INestApplicationContext, heads: Record<string, number>, boundMs = 180_000) {
  const refresher = app.get(SummaryRollupRefresher);
  const deadline = Date.now() + boundMs;
  for (;;) {
    const last = refresher.last;
    if (last && REPORTED_SERVICES.every((s) => (last.positions[s] ?? 0) >= (heads[s] ?? 0))) return last;
    if (Date.now() > deadline) throw new Error(`no refresh reached ${JSON.stringify(heads)} in ${boundMs} ms: last ${JSON.stringify(last)}, error ${refresher.error?.message}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const live = (reads: SummaryReadModel, unitId: string, year: number, day: string) =>
  reads.live(unitId, year, day).catch((e) => {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  });

/**
 * Every unit the structure ever had, every year of the refresh: the stored rollup (positions
 * aside) deep-equals the live summary, and is absent exactly where the live read answers 404.
 * Answers how many rollups were compared.
 */
export async function expectEveryRollupLive(app: INestApplicationContext, today: string): Promise<number> {
  const reads = app.get(SummaryReadModel);
  const refresher = app.get(SummaryRollupRefresher);
  const units = (await (await app.get(ReportingReadModel).of('organisation')).collection('units').find()) as unknown as UnitFactsDoc[];
  let compared = 0;
  for (const { year, day } of rollupDays(units, today)) {
    for (const unit of units) {
      const [stored, answer] = await Promise.all([refresher.rollups.read(unit._id, year, day), live(reads, unit._id, year, day)]);
      const strip = (a?: { positions: unknown }) => a && { ...a, positions: undefined };
      expect({ unit: unit._id, year, summary: strip(stored) }).toEqual({ unit: unit._id, year, summary: strip(answer) });
      if (stored) compared++;
    }
  }
  return compared;
}
