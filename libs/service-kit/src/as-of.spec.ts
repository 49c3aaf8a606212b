import { parseAsOf } from './as-of';
import { ValidationFailed } from './problem-details';

describe('parseAsOf', () => {
  it('reads a date as a day in the world, an instant with its zone as a moment of the record', () => {
    expect(parseAsOf(undefined)).toBeUndefined();
    expect(parseAsOf('')).toBeUndefined();
    expect(parseAsOf('2024-02-29')).toEqual({ kind: 'date', date: '2024-02-29' });
    expect(parseAsOf('2025-06-30T23:59:59.123Z')).toEqual({ kind: 'instant', instant: new Date('2025-06-30T23:59:59.123Z') });
    expect(parseAsOf('2025-06-30T07:00+07:00')).toEqual({ kind: 'instant', instant: new Date('2025-06-30T00:00:00Z') });
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
