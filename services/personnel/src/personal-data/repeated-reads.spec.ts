import { RepeatedReads } from './repeated-reads';

describe('repeated reads of one view', () => {
  it('log each member once a minute per view, caller and purpose', () => {
    const reads = new RepeatedReads();
    expect(reads.unlogged('import-1', 'canbo', null, ['m1'], 0)).toEqual(['m1']);
    expect(reads.unlogged('import-1', 'canbo', null, ['m1', 'm2'], 1_000)).toEqual(['m2']);
    expect(reads.unlogged('import-1', 'canbo', 'kiểm tra', ['m1', 'm2'], 2_000)).toEqual(['m1', 'm2']);
    expect(reads.unlogged('import-1', 'bithu', null, ['m1'], 2_000)).toEqual(['m1']);
    expect(reads.unlogged('import-1', 'canbo', null, ['m1', 'm2'], 61_000)).toEqual(['m1', 'm2']);
  });
});
