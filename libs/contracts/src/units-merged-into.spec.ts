import { unitsMergedInto } from './organisation';

describe('the units merged into a unit', () => {
  it('are those merged into it and into them, each once, never itself', () => {
    const mergedInto = new Map([
      ['c1', 'c12'],
      ['c2', 'c12'],
      ['c12', 'c123'],
      ['c3', 'c123'],
      ['d9', 'p9'],
    ]);
    expect(unitsMergedInto(mergedInto, 'c123').sort()).toEqual(['c1', 'c12', 'c2', 'c3']);
    expect(unitsMergedInto(mergedInto, 'c12').sort()).toEqual(['c1', 'c2']);
    expect(unitsMergedInto(mergedInto, 'c1')).toEqual([]);
  });
});
