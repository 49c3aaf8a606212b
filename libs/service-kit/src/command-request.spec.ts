import { CALENDAR_DATE_PATTERN, isCalendarDate } from './command-request';

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
