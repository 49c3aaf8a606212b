import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { parseAsOfKnownAt, ValidationFailed } from '@register/service-kit';
import { askedAsOf, reportDay } from './report-day';
import { SummaryQuery } from './summary.dto';

const failures = async (query: Record<string, string>) => (await validate(plainToInstance(SummaryQuery, query))).map((e) => [e.property, Object.keys(e.constraints ?? {})]);
const asked = (query: { asOf?: string; knownAt?: string }) => {
  try {
    return askedAsOf(parseAsOfKnownAt(query, { today: () => '2026-12-05' }), query.asOf !== undefined);
  } catch (error) {
    return error instanceof ValidationFailed ? { errors: error.errors } : error;
  }
};

describe('the summary\'s asOf and knownAt (api.md: a date, or an instant; knownAt the instant where both are wanted)', () => {
  it('takes asOf as a date or an instant and knownAt as an instant, as every read does; names a malformed one', async () => {
    expect(await failures({ asOf: '2020-06-01' })).toEqual([]);
    expect(await failures({ asOf: '2020-06-01T08:00:00Z', knownAt: '2021-01-01T00:00:00+07:00' })).toEqual([]);
    expect(await failures({ asOf: '2020-02-30', knownAt: '2021-01-01' })).toEqual([['asOf', ['as-of']], ['knownAt', ['known-at']]]);
  });

  it('counts a date as known now; an instant asOf on its own day as recorded by then; knownAt on the day asked (else the year\'s default) as recorded by then', () => {
    expect(asked({ asOf: '2020-06-01' })).toEqual({ day: '2020-06-01', recordedBy: undefined });
    expect(asked({})).toEqual({ day: undefined, recordedBy: undefined });
    expect(asked({ asOf: '2020-06-01T23:30:00-02:00' })).toEqual({ day: '2020-06-02', recordedBy: new Date('2020-06-02T01:30:00Z') });
    expect(asked({ asOf: '2020-06-01', knownAt: '2021-01-01T00:00:00Z' })).toEqual({ day: '2020-06-01', recordedBy: new Date('2021-01-01T00:00:00Z') });
    // knownAt alone is not "today as known then": the summary's day stays the year's default
    expect(asked({ knownAt: '2021-01-01T00:00:00Z' })).toEqual({ day: undefined, recordedBy: new Date('2021-01-01T00:00:00Z') });
    expect(asked({ asOf: '2020-06-01T08:00:00Z', knownAt: '2021-01-01T00:00:00Z' })).toMatchObject({ errors: [{ field: 'knownAt', rule: 'known-at-with-instant' }] });
  });

  it('counts on asOf, else the year\'s end, or today for the year under way', () => {
    expect(reportDay(2020, undefined, '2026-12-05')).toEqual({ year: 2020, day: '2020-12-31' });
    expect(reportDay(undefined, '2020-06-01', '2026-12-05')).toEqual({ year: 2020, day: '2020-06-01' });
    expect(reportDay(2026, undefined, '2026-12-05')).toEqual({ year: 2026, day: '2026-12-05' });
  });
});
