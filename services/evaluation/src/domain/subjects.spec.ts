import { holds, overlaps, subjectFacts, SubjectLookup } from './subjects';

/** A member in b-a until 20 December 2026, then in b-b (a move recorded ahead). */
const lookup: SubjectLookup = {
  spansOf: () => [
    { branchId: 'b-a', from: '2020-03-26', to: '2026-12-20' },
    { branchId: 'b-b', from: '2026-12-20', to: null },
  ],
  ancestry: (branchId) => [branchId === 'b-a' ? 'x-a' : 'x-bc', 'p'],
  ancestryOn: (branchId) => [branchId === 'b-a' ? 'x-a' : 'x-bc', 'p'],
  successorSince: () => null,
};

describe("a rating's subject", () => {
  it("is placed in the branch of the rating's day, the units above it as now (a probe found a rating in the commune the member had not joined yet)", () => {
    expect(subjectFacts(lookup, 'member', 'm', 2026, 'calendar', undefined, '2026-12-05').placement).toEqual({ branchId: 'b-a', unitIds: ['x-a', 'p'] });
    expect(subjectFacts(lookup, 'member', 'm', 2026, 'calendar', undefined, '2026-12-31').placement).toEqual({ branchId: 'b-b', unitIds: ['x-bc', 'p'] });
    // Without a day: the period's last branch, as before.
    expect(subjectFacts(lookup, 'member', 'm', 2026, 'calendar').placement.branchId).toBe('b-b');
  });
});

describe('a span of days (a black-box probe: a post was taken as held on its endsOn, the first day without it)', () => {
  const post = { branchId: 'b-a', from: '2025-03-01', to: '2026-01-01' };
  it('holds its first and last days, not its end', () => {
    expect([holds(post, '2025-03-01'), holds(post, '2025-12-31'), holds(post, '2026-01-01'), holds(post, '2025-02-28')]).toEqual([true, true, false, false]);
  });
  it('overlaps the years it held a day of, not the year its end falls on', () => {
    expect([overlaps(post, 2025, 'calendar'), overlaps(post, 2026, 'calendar')]).toEqual([true, false]);
    expect(overlaps({ from: '2026-05-01', to: '2026-05-01' }, 2026, 'calendar')).toBe(false);
    expect(overlaps({ from: null, to: null }, 2026, 'calendar')).toBe(true);
  });
  it('makes no officer of a member for the year after their post ended on its first day', () => {
    const officer: SubjectLookup = { ...lookup, spansOf: () => [post] };
    expect(subjectFacts(officer, 'officer', 'm', 2026, 'calendar').existed).toBe(false);
    expect(subjectFacts(officer, 'officer', 'm', 2025, 'calendar').existed).toBe(true);
  });
});
