import { calendarDayOf, registerTimeZone, setRegisterTimeZone } from './calendar-day';

describe("the register's calendar day of an instant", () => {
  afterEach(() => setRegisterTimeZone('UTC'));

  it('is the UTC day unless a zone is named', () => {
    setRegisterTimeZone('UTC');
    expect(calendarDayOf(new Date('2026-12-06T23:30:00Z'))).toBe('2026-12-06');
    expect(registerTimeZone()).toBe('UTC');
  });

  it("in Vietnam's zone, the day begins at 17:00 UTC of the day before", () => {
    setRegisterTimeZone('Asia/Ho_Chi_Minh');
    expect(calendarDayOf(new Date('2026-12-06T16:59:59Z'))).toBe('2026-12-06');
    expect(calendarDayOf(new Date('2026-12-06T17:00:00Z'))).toBe('2026-12-07');
    expect(calendarDayOf(Date.parse('2024-12-31T18:00:00Z'))).toBe('2025-01-01');
    expect(calendarDayOf(new Date('2028-02-28T20:00:00Z'))).toBe('2028-02-29');
  });

  it('refuses a zone that does not exist, naming the variable', () => {
    expect(() => setRegisterTimeZone('Asia/Hanoi-Saigon')).toThrow(/REGISTER_TIME_ZONE must be an IANA time zone/);
  });
});
