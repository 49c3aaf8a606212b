import { DepartureCause, OfficerSource } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { personnelSchemas } from '../application/schemas';
import { SecretaryPost, secretaryTurnover, TurnoverBranch } from './secretary-turnover';

const post = (branchId: string, memberId: string, startsOn: string, endsOn: string | null = null, cause: DepartureCause | null = null, source: OfficerSource = 'other'): SecretaryPost => ({
  branchId, memberId, source, startsOn, endsOn, cause,
});
const branch = (branchId: string, secretaries: SecretaryPost[], closedOn: string | null = null): TurnoverBranch => ({ branchId, closedOn, secretaries });
const period = { from: '2018-01-01', to: '2020-12-31' };

describe('secretary turnover', () => {
  it('joins a secretary who carries on as the successor\'s secretary from a merger\'s day: no departure, the tenure whole, the successor\'s vacancy ended that day', () => {
    const merged = [
      branch('b2', [post('b2', 'm1', '2017-06-01', '2019-10-01', 'merger', 'teacher')], '2019-10-01'),
      branch('b3', [post('b3', 'm2', '2016-01-01', '2019-10-01', 'merger')], '2019-10-01'),
      branch('b1', [post('b1', 'm3', '2015-01-01', '2019-03-01', 'away-work'), post('b1', 'm1', '2019-10-01', '2020-06-01', 'away-study', 'militia')]),
    ];
    const report = secretaryTurnover(merged, period);
    // m2's post ended with b3, and m2 was not appointed to b1: a departure. m1's carried on.
    expect([report.departures.total, report.departures.byCause.merger, report.departures.byCause['away-study']]).toEqual([3, 1, 1]);
    expect(report.tenure.averageDays).toBe(1328.3); // m1's 1,096 days from 2017-06-01, not 244 from 2019-10-01
    expect(report.vacancies.items[0]).toEqual({ branchId: 'b1', vacantFrom: '2019-03-01', vacantUntil: '2019-10-01', filled: true, days: 214 });
  });

  it('gives a secretary carried on into the successor the start and source of their first post when the period begins after the merger (its branch closed before it)', () => {
    const closedBefore = [branch('b2', [post('b2', 'm1', '2017-06-01', '2019-01-01', 'merger', 'teacher')], '2019-01-01')];
    const successor = branch('b1', [post('b1', 'm1', '2019-01-01', '2020-06-01', 'away-study', 'militia')]);
    const report = secretaryTurnover([successor], { from: '2019-06-01', to: '2020-12-31' }, closedBefore);
    expect([report.branches, report.departures.total, report.tenure.averageDays]).toEqual([1, 1, 1096]);
    expect(report.longestServing.items[0]).toMatchObject({ memberId: 'm1', startsOn: '2017-06-01', source: 'teacher' });
  });

  it('counts nothing of a post ended on its own first day (its branch merged away on a date recorded later): never held', () => {
    const merged = [branch('b2', [post('b2', 'm1', '2019-12-05', '2019-12-05', 'merger')], '2019-12-01'), branch('b1', [post('b1', 'm2', '2018-01-01')])];
    const report = secretaryTurnover(merged, period);
    expect([report.departures.total, report.departures.byCause.merger, report.tenure.averageDays]).toEqual([0, 0, null]);
    expect(report.longestServing.items.map((i) => i.memberId)).toEqual(['m2']);
  });

  it('joins a re-election (the term ended, the same member appointed from that day) to the term before it: no departure, the tenure whole', () => {
    const reElected = branch('b1', [post('b1', 'm1', '2015-01-01', '2019-01-01', 'term-ended', 'teacher'), post('b1', 'm1', '2019-01-01', '2020-06-01', 'away-work', 'teacher')]);
    const report = secretaryTurnover([reElected], period);
    expect([report.departures.total, report.departures.byCause['term-ended'], report.tenure.averageDays, report.vacancies.total]).toEqual([1, 0, 1978, 1]); // the one vacancy after they went away
  });

  describe('given a branch whose secretary left twice in the period, each replaced after a gap', () => {
    const b1 = branch('b1', [
      post('b1', 'm1', '2015-01-01', '2018-03-01', 'away-work', 'teacher'),
      post('b1', 'm2', '2018-03-31', '2019-06-01', 'away-study', 'militia'),
      post('b1', 'm3', '2019-06-11', null, null, 'civil-servant'),
    ]);
    const b2 = branch('b2', [post('b2', 'm4', '2016-01-01', '2020-07-01', 'resigned', 'teacher'), post('b2', 'm5', '2020-09-01', null, null, 'militia')]);
    const report = secretaryTurnover([b1, b2, branch('b3', [])], period);

    it('counts the departures by cause, every cause listed', () => {
      expect(report.departures.total).toBe(3);
      expect(report.departures.byCause).toMatchObject({ 'away-work': 1, 'away-study': 1, resigned: 1, relieved: 0, 'term-ended': 0, 'came-of-age': 0, 'moved-up': 0, unknown: 0, merger: 0 });
    });

    it('gives the tenure of those who left: days from start to end, average and median', () => {
      // 2015-01-01 → 2018-03-01: 1155 days; 2018-03-31 → 2019-06-01: 427; 2016-01-01 → 2020-07-01: 1643
      expect(report.tenure).toEqual({ secretaries: 3, averageDays: 1075, medianDays: 1155 });
    });

    it('lists each vacancy with how long it lasted (days from the departure to the next start)', () => {
      expect(report.vacancies.items).toEqual([
        { branchId: 'b1', vacantFrom: '2018-03-01', vacantUntil: '2018-03-31', filled: true, days: 30 },
        { branchId: 'b1', vacantFrom: '2019-06-01', vacantUntil: '2019-06-11', filled: true, days: 10 },
        { branchId: 'b2', vacantFrom: '2020-07-01', vacantUntil: '2020-09-01', filled: true, days: 62 },
      ]);
      expect(report.vacancies).toMatchObject({ total: 3, ended: 3, open: 0, averageDays: 34, medianDays: 30 });
    });

    it('shares the branches whose secretary changed more than once among those open in the period', () => {
      expect(report.changedMoreThanOnce).toEqual({ branches: 1, of: 3, share: 0.3333 });
    });

    it('names the sources of the longest-serving quarter (in post through the end of the period counts to then)', () => {
      // served: m4 1643, m3 569 (to 2021-01-01), m1 1155, m2 427, m5 122: the longest quarter of 5 is 2
      expect(report.longestServing.items.map((s) => [s.memberId, s.days])).toEqual([['m4', 1643], ['m1', 1155]]);
      expect(report.longestServing.bySource).toMatchObject({ teacher: 2, militia: 0 });
      expect(report.longestServing.of).toBe(5);
    });
  });

  describe('given a vacancy still open at the end of the period', () => {
    const report = secretaryTurnover([branch('b1', [post('b1', 'm1', '2015-01-01', '2020-12-01', 'term-ended'), post('b1', 'm2', '2021-02-01')])], period);
    it('counts its days through the last day, leaves it out of the average, and does not call it filled', () => {
      expect(report.vacancies).toEqual({ total: 1, ended: 0, open: 1, averageDays: null, medianDays: null, items: [{ branchId: 'b1', vacantFrom: '2020-12-01', vacantUntil: null, filled: false, days: 31 }] });
    });
  });

  describe('given a period that ends after today', () => {
    const branches = [branch('b1', [post('b1', 'm1', '2015-01-01', '2020-12-01', 'term-ended'), post('b1', 'm2', '2021-02-01')]), branch('b2', [post('b2', 'm3', '2010-01-01')])];
    const report = secretaryTurnover(branches, { ...period, today: '2020-12-10' });
    it('counts a vacancy and a post still open through today, not through days still to come', () => {
      expect(report.vacancies.items).toEqual([{ branchId: 'b1', vacantFrom: '2020-12-01', vacantUntil: null, filled: false, days: 10 }]);
      expect(report.longestServing.items.find((s) => s.memberId === 'm3')?.days).toBe(3997);
    });
  });

  describe('given departures outside the period and a reorganisation', () => {
    const report = secretaryTurnover(
      [
        branch('b1', [post('b1', 'm1', '2010-01-01', '2017-05-01', 'relieved'), post('b1', 'm2', '2017-05-01', '2021-03-01', 'moved-up')]),
        branch('b2', [post('b2', 'm3', '2015-01-01', '2019-01-01', 'merger')], '2019-01-01'),
      ],
      period,
    );
    it('counts only what ended in the period; a merged branch has no vacancy and no change of secretary', () => {
      expect(report.departures.total).toBe(1);
      expect(report.departures.byCause.merger).toBe(1);
      expect(report.vacancies.total).toBe(0);
      expect(report.changedMoreThanOnce).toEqual({ branches: 0, of: 2, share: 0 });
    });
  });

  describe('given a branch that stood in the subtree only until 2019-07-01 (moved to another commune)', () => {
    const b1 = branch('b1', [post('b1', 'm1', '2015-01-01', '2019-03-01', 'away-work'), post('b1', 'm2', '2019-05-01', '2020-02-01', 'resigned'), post('b1', 'm3', '2020-04-01')]);
    const here = (branchId: string, day: string) => branchId !== 'b1' || day < '2019-07-01';
    const report = secretaryTurnover([b1], period, [], here);
    it('counts the departure and the vacancy of its days here, not those after it left', () => {
      expect([report.departures.total, report.departures.byCause['away-work'], report.departures.byCause.resigned]).toEqual([1, 1, 0]);
      expect(report.vacancies.items.map((v) => v.vacantFrom)).toEqual(['2019-03-01']);
      expect(report.changedMoreThanOnce.branches).toBe(0);
    });
    it('lists among those serving here the secretaries whose last day in the period was here', () => {
      expect(report.longestServing.items.map((s) => s.memberId)).toEqual(['m1']);
      expect(report.longestServing.of).toBe(1);
    });
  });

  describe('given an empty subtree', () => {
    it('answers zeros and no averages', () => {
      const report = secretaryTurnover([], period);
      expect(report).toMatchObject({ branches: 0, departures: { total: 0 }, tenure: { secretaries: 0, averageDays: null, medianDays: null }, changedMoreThanOnce: { share: 0 } });
    });
  });
});

describe('OfficerDeparted version 1, read through the schemas', () => {
  const v1 = (cause: string) => ({ type: 'OfficerDeparted', schemaVersion: 1, data: { branchId: 'b1', memberId: 'm1', role: 'secretary', endsOn: '2019-01-01', cause } }) as unknown as RecordedEvent;
  it('reads `resigned` (then the one word for leaving of one’s own accord) as unknown', () =>
    expect(personnelSchemas.upcast(v1('resigned'))).toMatchObject({ schemaVersion: 2, data: { cause: 'unknown', endsOn: '2019-01-01' } }));
  it.each(['relieved', 'term-ended', 'merger', 'split', 'dissolution'])('keeps %s, which was exact', (cause) =>
    expect(personnelSchemas.upcast(v1(cause))).toMatchObject({ schemaVersion: 2, data: { cause } }));
  it('leaves a version 2 event as it is', () => {
    const v2 = { ...v1('resigned'), schemaVersion: 2 } as RecordedEvent;
    expect(personnelSchemas.upcast(v2).data).toMatchObject({ cause: 'resigned' });
  });
});
