import { subjectFacts, SubjectLookup } from './subjects';

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
