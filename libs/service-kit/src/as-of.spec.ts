import { countsAsOf, parseAsOf, parseAsOfKnownAt, recordedBy } from './as-of';
import { ValidationFailed } from './problem-details';

describe('parseAsOf', () => {
  it('reads a date as a day in the world, an instant with its zone as a moment of the record', () => {
    expect(parseAsOf(undefined)).toBeUndefined();
    expect(parseAsOf('2024-02-29')).toEqual({ kind: 'date', date: '2024-02-29' });
    expect(parseAsOf('2025-06-30T23:59:59.123Z')).toEqual({ kind: 'instant', instant: new Date('2025-06-30T23:59:59.123Z') });
    expect(parseAsOf('2025-06-30T07:00+07:00')).toEqual({ kind: 'instant', instant: new Date('2025-06-30T00:00:00Z') });
  });

  it('refuses an empty asOf, which a script with an unset variable sends, rather than answering the present', () => {
    expect(() => parseAsOf('')).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ field: 'asOf', rule: 'not-empty' })] }));
  });

  it.each(['2025-06-31T00:00:00Z', '2025-02-29T12:00:00Z', '2025-06-30T24:00:00Z', '2025-06-30T12:60:00Z', '2025-06-30T12:00:00', '2025-06-30T12:00:00+25:00', '2025-06-31', 'yesterday', '2025-06-30T12:00:00Z junk'])(
    'refuses %s, naming the field',
    (value) => {
      expect(() => parseAsOf(value)).toThrow(ValidationFailed);
      try {
        parseAsOf(value);
      } catch (error) {
        expect((error as ValidationFailed).errors).toEqual([expect.objectContaining({ field: 'asOf', rule: 'as-of' })]);
      }
    },
  );
});

describe('parseAsOfKnownAt: the day in force and the instant the register knew it by', () => {
  const clock = { today: () => '2026-01-10', now: () => new Date('2026-01-10T08:00:00Z') };
  const fieldErrors = (query: { asOf?: string; knownAt?: string }) => {
    try {
      parseAsOfKnownAt(query, clock);
    } catch (error) {
      return (error as ValidationFailed).errors.map(({ field, rule }) => ({ field, rule }));
    }
    return [];
  };

  it('gives a date asOf its knownAt, and today when only knownAt is given', () => {
    expect(parseAsOfKnownAt({}, clock)).toBeUndefined();
    expect(parseAsOfKnownAt({ asOf: '2025-07-01' }, clock)).toEqual({ kind: 'date', date: '2025-07-01' });
    expect(parseAsOfKnownAt({ asOf: '2025-07-01', knownAt: '2025-09-01T07:00+07:00' }, clock)).toEqual({ kind: 'date', date: '2025-07-01', knownAt: new Date('2025-09-01T00:00:00Z') });
    expect(parseAsOfKnownAt({ knownAt: '2025-09-01T00:00:00Z' }, clock)).toEqual({ kind: 'date', date: '2026-01-10', knownAt: new Date('2025-09-01T00:00:00Z') });
    expect(parseAsOfKnownAt({ asOf: '2025-09-01T00:00:00Z' }, clock)).toEqual({ kind: 'instant', instant: new Date('2025-09-01T00:00:00Z') });
  });

  it.each(['2025-09-01', '2025-06-31T00:00:00Z', '2025-09-01T12:00:00', 'now'])('refuses knownAt=%s, naming the field and the rule', (knownAt) => {
    expect(fieldErrors({ asOf: '2025-07-01', knownAt })).toEqual([{ field: 'knownAt', rule: 'known-at' }]);
  });

  it('refuses either given empty, naming each', () => {
    expect(fieldErrors({ asOf: '', knownAt: '' })).toEqual([{ field: 'asOf', rule: 'not-empty' }, { field: 'knownAt', rule: 'not-empty' }]);
    expect(fieldErrors({ asOf: '2025-07-01', knownAt: '' })).toEqual([{ field: 'knownAt', rule: 'not-empty' }]);
  });

  it('refuses an instant to come, as knownAt or as asOf, by the clock given (422); a day to come is a read of what is pending', () => {
    const toCome = (query: { asOf?: string; knownAt?: string }) => expect(() => parseAsOfKnownAt(query, clock)).toThrow(expect.objectContaining({ rule: 'not-after-now', details: expect.objectContaining({ field: Object.keys(query)[0] }) }));
    toCome({ knownAt: '2026-01-10T08:00:01Z' });
    toCome({ asOf: '2026-01-10T08:00:01Z' });
    expect(fieldErrors({ asOf: '2030-01-01', knownAt: '2026-01-10T08:00:00Z' })).toEqual([]);
    expect(parseAsOfKnownAt({ knownAt: '2026-01-10T15:00:00+07:00' }, clock)).toEqual({ kind: 'date', date: '2026-01-10', knownAt: new Date('2026-01-10T08:00:00Z') });
  });

  it('reads now from the system when the clock gives only today', () => {
    expect(() => parseAsOfKnownAt({ knownAt: '2199-01-01T00:00:00Z' }, { today: () => '2026-01-10' })).toThrow(expect.objectContaining({ rule: 'not-after-now' }));
  });

  it('refuses knownAt beside an instant asOf, and names both fields when both are wrong', () => {
    expect(fieldErrors({ asOf: '2025-07-01T00:00:00Z', knownAt: '2025-09-01T00:00:00Z' })).toEqual([{ field: 'knownAt', rule: 'known-at-with-instant' }]);
    expect(fieldErrors({ asOf: 'yesterday', knownAt: 'now' })).toEqual([{ field: 'asOf', rule: 'as-of' }, { field: 'knownAt', rule: 'known-at' }]);
  });
});

describe('countsAsOf and recordedBy', () => {
  const late = { effectiveDate: '2025-07-01', recordedAt: '2025-09-01T10:00:00Z' };
  const day = (date: string, knownAt?: string) => ({ kind: 'date' as const, date, ...(knownAt ? { knownAt: new Date(knownAt) } : {}) });

  it('counts a change recorded late only on and after its day, and only once it was known', () => {
    expect([
      countsAsOf(day('2025-06-30', '2025-08-01T00:00:00Z'), late),
      countsAsOf(day('2025-07-02', '2025-08-01T00:00:00Z'), late),
      countsAsOf(day('2025-06-30', '2025-10-01T00:00:00Z'), late),
      countsAsOf(day('2025-07-02', '2025-10-01T00:00:00Z'), late),
    ]).toEqual([false, false, false, true]);
    expect(countsAsOf(day('2025-07-02'), late)).toBe(true);
    expect(countsAsOf({ kind: 'instant', instant: new Date('2025-08-01T00:00:00Z') }, late)).toBe(false);
    expect(countsAsOf(undefined, late)).toBe(true);
    expect(countsAsOf(day('2025-06-30', '2025-08-01T00:00:00Z'), { effectiveDate: null, recordedAt: null })).toBe(true);
  });

  it('reads the log up to the instant asked, whichever axis names it', () => {
    expect(recordedBy(undefined)).toBeUndefined();
    expect(recordedBy(day('2025-07-01'))).toBeUndefined();
    expect(recordedBy(day('2025-07-01', '2025-09-01T00:00:00Z'))).toEqual(new Date('2025-09-01T00:00:00Z'));
    expect(recordedBy({ kind: 'instant', instant: new Date('2025-09-01T00:00:00Z') })).toEqual(new Date('2025-09-01T00:00:00Z'));
  });
});
