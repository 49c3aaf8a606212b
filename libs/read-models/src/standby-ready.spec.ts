import { RecordedEvent } from '@register/event-sourcing';
import { liveTarget } from './naming';
import { defineProjection, op } from './projection';
import { EventSource, ProjectionRunner } from './runner';
import { recordedAt } from './spec-log';
import { ProjectionStates } from './state';
import { MemoryReadStore } from './stores/memory-read-store';

const counted = defineProjection({
  name: 'counted',
  version: 1,
  collections: { branches: {} },
  handlers: { Counted: ({ data }: RecordedEvent) => op.upsert('branches', (data as { id: string }).id, { $inc: { n: 1 } }) },
});

const logOf = (events: RecordedEvent[]): EventSource => ({
  readAll: async (after, limit) => events.filter((e) => e.position > after).slice(0, limit),
  headPosition: async () => events.length,
  subscribe: () => ({ stop: async () => undefined, done: new Promise(() => undefined) }) as never,
});

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i > 100_000) throw new Error('never happened');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * A standby runner (another process holds the copy) said it was ready whatever the copy held. While
 * the holder builds the copy from nothing, the copy is at checkpoint 0 and holds what the load's
 * spills wrote so far: a standby process answering reads from it gave a copy in the making.
 */
describe('a standby runner\'s readiness', () => {
  const standbyBeside = async (events: RecordedEvent[]) => {
    const store = new MemoryReadStore();
    const states = new ProjectionStates(store);
    expect(await states.claim(liveTarget(counted).state, 'holder', 60_000, counted.version)).toBe(true);
    const runner = new ProjectionRunner(logOf(events), store, counted, { owner: 'standby', claimEveryMs: 60_000 });
    runner.start();
    await until(() => runner.status === 'standby');
    return { runner, states };
  };

  it('given another process building the copy from nothing over a log with events, when asked, then it is not ready; once a checkpoint is saved, it is', async () => {
    const { runner, states } = await standbyBeside([recordedAt(1, 'Counted', { id: 'b0' }), recordedAt(2, 'Counted', { id: 'b1' })]);
    try {
      await expect(runner.assertReady()).rejects.toThrow('being built by another process');
      await states.save(liveTarget(counted).state, 'holder', 60_000, { position: 2, highWater: 2 });
      await expect(runner.assertReady()).resolves.toBeUndefined();
    } finally {
      await runner.stop();
    }
  });

  it('given another process holding the copy of an empty log, when asked, then it is ready', async () => {
    const { runner } = await standbyBeside([]);
    try {
      await expect(runner.assertReady()).resolves.toBeUndefined();
    } finally {
      await runner.stop();
    }
  });
});
