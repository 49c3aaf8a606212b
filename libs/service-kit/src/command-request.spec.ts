import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CALENDAR_DATE_PATTERN, CommandRequest, isCalendarDate } from './command-request';

describe('the calendar date pattern of the OpenAPI document', () => {
  it('takes exactly the dates the server takes, 29 February of leap years included', () => {
    const pattern = new RegExp(`^${CALENDAR_DATE_PATTERN}$`);
    const differ: string[] = [];
    for (let year = 1895; year <= 2205; year += 1) {
      for (let month = 1; month <= 12; month += 1) {
        for (let day = 0; day <= 32; day += 1) {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          if (pattern.test(text) !== isCalendarDate(text)) differ.push(text);
        }
      }
    }
    expect(differ).toEqual([]);
    expect(['2024-02-29', '2000-02-29'].map((d) => pattern.test(d))).toEqual([true, true]);
    expect(['2023-02-29', '1900-02-29', '2100-02-29'].map((d) => pattern.test(d))).toEqual([false, false, false]);
  });
});

describe('a reason and a decision number a reader can see (found by a black-box probe)', () => {
  const errorsOf = (body: object) => validateSync(plainToInstance(CommandRequest, body)).flatMap((e) => [e, ...(e.children ?? [])].map((c) => `${c.property}:${Object.keys(c.constraints ?? {}).join(',')}`));
  it('refuses a reason of a zero-width space or blanks, and a decision number of blanks; takes Vietnamese text', () => {
    expect(errorsOf({ reason: '\u200b' })).toEqual(['reason:matches']);
    expect(errorsOf({ reason: '\u008f\u0015' })).toEqual(['reason:matches']);
    expect(errorsOf({ reason: ' \u00a0 ' }).join()).toContain('reason:');
    expect(errorsOf({ reason: 'x', decisionRef: { number: '   ' } }).join()).toContain('number:matches');
    expect(errorsOf({ reason: 'Sáp nhập thôn', decisionRef: { number: '125-QĐ/HĐTN' } })).toEqual([]);
  });
});
