import { ReadAllOptions, RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op } from './projection';
import { EventSource, ProjectionRunner } from './runner';
import { arrayLog, recordedAt } from './spec-log';
import { MemoryReadStore } from './stores/memory-read-store';

/** Counts each branch's admissions; the log's other events are not its business. */
const admissions = defineProjection({
  name: 'admissions',
  version: 1,
  collections: { branches: {} },
  handlers: { MemberAdmitted: ({ data }: RecordedEvent) => op.upsert('branches', (data as { branchId: string }).branchId, { $inc: { admitted: 1 } }) },
});

/** 100 events; an admission at 3, 13, …, 93, the rest ratings. */
const logOf = () => Array.from({ length: 100 }, (_, i) => recordedAt(i + 1, (i + 1) % 10 === 3 ? 'MemberAdmitted' : 'MemberRated', { branchId: `b${Math.floor(i / 10) % 2}` }));

/** A log that leaves out what the reader did not ask for, as the SQL store does; counts what it gave. */
function filteringLog(events: RecordedEvent[], onHead: () => void = () => undefined) {
  const asked: Array<ReadAllOptions | undefined> = [];
  let given = 0;
  const source: EventSource = {
    ...arrayLog(events),
    headPosition: async () => {
      const head = events[events.length - 1]?.position ?? 0;
      onHead();
      return head;
    },
    readAll: async (after, limit, options) => {
      asked.push(options);
      const page = events.filter((e) => e.position > after && (!options?.types || options.types.includes(e.type))).slice(0, limit);
      given += page.length;
      return page;
    },
  };
  return { source, asked, given: () => given };
}

const counts = async (store: MemoryReadStore) => Object.fromEntries((await store.find('admissions.branches')).map((d) => [d._id, d.admitted]));

describe('a catch-up reads only the event types its projection handles', () => {
  for (const [path, options] of [['the initial load', {}], ['batches', { initialLoad: false as const }]] as const) {
    it(`given a log where the projection's last event is not the head, when it catches up by ${path}, then it is given its own events only and its checkpoint is the head`, async () => {
      const log = filteringLog(logOf());
      const store = new MemoryReadStore();
      const runner = new ProjectionRunner(log.source, store, admissions, { owner: 'spec', pageSize: 4, ...options });
      expect(await runner.runOnce()).toEqual({ position: 100, events: 10 });
      expect(log.given()).toBe(10);
      expect(log.asked.every((o) => o?.types?.join() === 'MemberAdmitted')).toBe(true);
      expect(await counts(store)).toEqual({ b0: 5, b1: 5 });
      // The checkpoint stored is the head: a new runner on the same copy reads nothing again.
      const again = filteringLog(logOf());
      expect(await new ProjectionRunner(again.source, store, admissions, { owner: 'spec', pageSize: 4, ...options }).runOnce()).toEqual({ position: 100, events: 0 });
      expect(again.given()).toBe(0);
    });
  }

  it('given an admission appended after the head was taken, when the catch-up ends, then its position stops at that head and the next catch-up applies the admission', async () => {
    const events = logOf();
    let appended = false;
    const log = filteringLog(events, () => {
      if (!appended) events.push(recordedAt(101, 'MemberAdmitted', { branchId: 'b0' }));
      appended = true;
    });
    const store = new MemoryReadStore();
    const runner = new ProjectionRunner(log.source, store, admissions, { owner: 'spec', pageSize: 4, initialLoad: false });
    expect((await runner.runOnce()).position).toBe(100);
    expect(await counts(store)).toEqual({ b0: 5, b1: 5 });
    expect(await runner.runOnce()).toMatchObject({ position: 101 });
    expect(await counts(store)).toEqual({ b0: 6, b1: 5 });
  });

  it('given a store that ignores the types, when the projection catches up, then it reads every event and ends at the head all the same', async () => {
    const store = new MemoryReadStore();
    const runner = new ProjectionRunner(arrayLog(logOf()), store, admissions, { owner: 'spec', pageSize: 4 });
    expect(await runner.runOnce()).toEqual({ position: 100, events: 100 });
    expect(await counts(store)).toEqual({ b0: 5, b1: 5 });
  });
});
