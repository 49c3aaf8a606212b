import { ReportingReadModel } from './reporting-read-model';
import { SummaryAnswer, SummaryReadModel } from './summary.read-model';
import { SummaryRollupRefresher } from './summary-rollup.refresher';

const answer = (personnel: number, total: number) => ({ unitId: 'xa', year: 2026, asOf: '2026-12-31', members: { total }, positions: { organisation: 9, personnel } }) as unknown as SummaryAnswer;

describe('the summary read without asOf', () => {
  const stored = answer(4, 10);
  const refresher = { rollups: { read: async () => stored, behind: () => false } } as unknown as SummaryRollupRefresher;
  const reporting = { positions: () => ({ organisation: 9, personnel: 5 }), settled: async (asked: Record<string, number>) => asked } as unknown as ReportingReadModel;

  it('never answers older than a live answer it gave (a probe read its own write, then saw it vanish for a few seconds)', async () => {
    const model = new SummaryReadModel(reporting, refresher);
    jest.spyOn(model, 'live').mockResolvedValue(answer(5, 11));
    expect((await model.summary('xa', 2026, '2026-12-31')).members.total).toBe(10); // the stored rollup, fresh enough
    expect((await model.summary('xa', 2026, '2026-12-31', { personnel: 5 })).members.total).toBe(11); // computed live
    expect((await model.summary('xa', 2026, '2026-12-31')).members.total).toBe(11); // not the older rollup again
    expect((await model.summary('xa', 2025, '2025-12-31')).members.total).toBe(10); // another year: its own rollup
  });

  it('answers the rollup again once it is as new as the live answer', async () => {
    const model = new SummaryReadModel(reporting, { rollups: { read: async () => answer(5, 12), behind: () => false } } as unknown as SummaryRollupRefresher);
    jest.spyOn(model, 'live').mockResolvedValue(answer(5, 11));
    await model.summary('xa', 2026, '2026-12-31', { personnel: 6 });
    expect((await model.summary('xa', 2026, '2026-12-31')).members.total).toBe(12);
  });
});
