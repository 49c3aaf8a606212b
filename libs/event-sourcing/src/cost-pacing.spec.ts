import { CostPacing } from './cost-pacing';

describe('a task paced by its cost', () => {
  it('is due before any run', () => {
    expect(new CostPacing().due).toBe(true);
  });

  it('after a run, is due once its cost times as long has passed since it began', () => {
    const pacing = new CostPacing(10);
    const now = performance.now();
    pacing.ran(now - 1_000, 200); // began 1 s ago, took 200 ms: due 2 s after it began
    expect(pacing.due).toBe(false);
    pacing.ran(now - 3_000, 200); // began 3 s ago: due since 1 s
    expect(pacing.due).toBe(true);
  });

  it('with no pacing (0 times), is always due', () => {
    const pacing = new CostPacing(0);
    pacing.ran(performance.now(), 60_000);
    expect(pacing.due).toBe(true);
  });
});
