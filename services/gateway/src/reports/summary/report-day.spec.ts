import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { parseAsOfKnownAt, ValidationFailed } from '@register/service-kit';
import { dayAsked, reportDay } from './report-day';
import { SummaryQuery } from './summary.dto';

const failures = async (query: Record<string, string>) => (await validate(plainToInstance(SummaryQuery, query))).map((e) => [e.property, Object.keys(e.constraints ?? {})]);
const refusal = (query: { asOf?: string; knownAt?: string }) => {
  try {
    dayAsked(parseAsOfKnownAt(query, { today: () => '2026-12-05' }));
  } catch (error) {
    return error instanceof ValidationFailed ? { errors: error.errors } : (error as { rule: string; details: unknown });
  }
  return undefined;
};

describe('the summary\'s asOf and knownAt (api.md: a date, or an instant; knownAt the instant where both are wanted)', () => {
  it('takes asOf as a date or an instant and knownAt as an instant, as every read does; names a malformed one', async () => {
    expect(await failures({ asOf: '2020-06-01' })).toEqual([]);
    expect(await failures({ asOf: '2020-06-01T08:00:00Z', knownAt: '2021-01-01T00:00:00+07:00' })).toEqual([]);
    expect(await failures({ asOf: '2020-02-30', knownAt: '2021-01-01' })).toEqual([['asOf', ['as-of']], ['knownAt', ['known-at']]]);
  });

  it('answers a date; refuses "as recorded by an instant" with 422 naming the field and the rule, since its read model keeps no recording times', () => {
    expect(dayAsked(parseAsOfKnownAt({ asOf: '2020-06-01' }, { today: () => '2026-12-05' }))).toBe('2020-06-01');
    expect(dayAsked(undefined)).toBeUndefined();
    expect(refusal({ asOf: '2020-06-01T08:00:00Z' })).toMatchObject({ rule: 'recorded-time-not-kept', details: { field: 'asOf' } });
    expect(refusal({ asOf: '2020-06-01', knownAt: '2021-01-01T00:00:00Z' })).toMatchObject({ rule: 'recorded-time-not-kept', details: { field: 'knownAt' } });
    expect(refusal({ asOf: '2020-06-01T08:00:00Z', knownAt: '2021-01-01T00:00:00Z' })).toMatchObject({ errors: [{ field: 'knownAt', rule: 'known-at-with-instant' }] });
  });

  it('counts on asOf, else the year\'s end, or today for the year under way', () => {
    expect(reportDay(2020, undefined, '2026-12-05')).toEqual({ year: 2020, day: '2020-12-31' });
    expect(reportDay(undefined, '2020-06-01', '2026-12-05')).toEqual({ year: 2020, day: '2020-06-01' });
    expect(reportDay(2026, undefined, '2026-12-05')).toEqual({ year: 2026, day: '2026-12-05' });
  });
});
