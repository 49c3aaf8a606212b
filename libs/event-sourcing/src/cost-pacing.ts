/**
 * How many times as long as its last run took a paced task waits before the next: its share of the
 * work stays at most 1/20, whatever the size of what it covers.
 */
export const COST_TIMES = 20;

/**
 * Paces a recurring task whose cost grows with what it covers (a snapshot of a view, an analysis of
 * a log's tables) while the work between two runs does not: at a fixed period it became a share of
 * the work that grew with the register (docs/scale.md, "The loading's growth found"). The next run
 * is due no sooner than `times` as long as the last one took, counted from when it began.
 */
export class CostPacing {
  private last?: { at: number; tookMs: number };

  constructor(private readonly times = COST_TIMES) {}

  /** Whether the pause the last run earned has passed (always, before any run). */
  get due(): boolean {
    return !this.last || performance.now() - this.last.at >= this.times * this.last.tookMs;
  }

  /** A run began at `at` (performance.now()) and took `tookMs` (by default, until now). */
  ran(at: number, tookMs = performance.now() - at): void {
    this.last = { at, tookMs };
  }
}
