import { catchUpSubscription, RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op } from './projection';
import { rebuildShadowDiff } from './rebuild';
import { EventSource, ProjectionRunner } from './runner';
import { arrayLog, recordedAt } from './spec-log';
import { MemoryReadStore } from './stores/memory-read-store';

const counted = defineProjection({
  name: 'counted',
  version: 1,
  collections: { branches: {} },
  handlers: { Counted: ({ data }: RecordedEvent) => op.upsert('branches', (data as { id: string }).id, { $inc: { n: 1 } }) },
});
const log = Array.from({ length: 20 }, (_, i) => recordedAt(i + 1, 'Counted', { id: `b${i % 4}` }));
/** The array log followed as a live runner follows one: polled, nothing appended meanwhile. */
const followed = () => ({ ...arrayLog(log), subscribe: ((after, handler, options) => catchUpSubscription({ readAll: arrayLog(log).readAll, onAppended: () => () => undefined }, after, handler, options)) as EventSource['subscribe'] });

/**
 * A rebuild asks the live writer for its copy. The writer used to hear the question only at its
 * next lease renewal, a third of the lease later (10 s by default): every shadow diff waited that
 * long even with the live runner in the same process. A lease of ten minutes here: had the rebuild
 * waited for the renewal, this case would run out of time instead of passing.
 */
describe('a rebuild taking over from a live runner in the same process', () => {
  it('given a live runner holding a long lease, when a shadow diff asks for the copy, then the runner steps aside at once, and takes its copy back after', async () => {
    const store = new MemoryReadStore();
    const options = { owner: 'live', leaseMs: 600_000, claimEveryMs: 50, pollMs: 20 };
    const live = new ProjectionRunner(followed(), store, counted, options);
    live.start();
    try {
      expect(await live.waitFor(20, 30_000)).toBe(true);
      const report = await rebuildShadowDiff(arrayLog(log), store, counted, { owner: 'rebuild', leaseMs: 600_000 });
      expect(report.diff?.differences).toBe(0);
      expect(report.documents).toEqual({ branches: 4 });
      for (let i = 0; live.status !== 'live'; i++) {
        if (i > 600) throw new Error(`the live runner did not take its copy back: ${live.status}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await live.stop();
    }
  }, 60_000);
});
